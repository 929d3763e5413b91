"""Images for vision models, in each provider's documented message format: OpenAI's
``image_url`` parts (data URLs), Anthropic's base64 ``image`` blocks, Gemini's
``inline_data`` parts and Ollama's ``images`` list."""

from __future__ import annotations

from omnipanel_lab.adapters.anthropic import anthropic_message
from omnipanel_lab.adapters.gemini import gemini_content
from omnipanel_lab.adapters.ollama import ollama_message
from omnipanel_lab.adapters.openai_compatible import openai_message
from omnipanel_lab.adapters.types import ChatMessage, ImagePart

PNG = ImagePart("image/png", "iVBORw0KGgo=")
LOOK = ChatMessage("user", "What is in this picture?", (PNG,))
PLAIN = ChatMessage("user", "Hello")


def test_openai_sends_text_and_image_url_parts() -> None:
    assert openai_message(PLAIN) == {"role": "user", "content": "Hello"}
    assert openai_message(LOOK) == {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ],
    }


def test_anthropic_sends_base64_image_blocks_before_the_text() -> None:
    assert anthropic_message(PLAIN) == {"role": "user", "content": "Hello"}
    blocks = anthropic_message(LOOK)["content"]
    assert blocks[0] == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
    }
    assert blocks[1] == {"type": "text", "text": "What is in this picture?"}


def test_gemini_sends_inline_data_parts() -> None:
    assert gemini_content(ChatMessage("assistant", "Hi")) == {
        "role": "model",
        "parts": [{"text": "Hi"}],
    }
    assert gemini_content(LOOK)["parts"] == [
        {"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}},
        {"text": "What is in this picture?"},
    ]


def test_ollama_sends_a_list_of_base64_images() -> None:
    assert ollama_message(PLAIN) == {"role": "user", "content": "Hello"}
    assert ollama_message(LOOK)["images"] == ["iVBORw0KGgo="]
