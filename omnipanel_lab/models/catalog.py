"""Providers OmniPanel knows by name (kept import-free: the app's config reads it)."""

# Cloud providers: base URL, the environment variable that may hold a server-wide key (a
# user's own key, set in the UI, comes first), and the wire format they speak.
CLOUD_PROVIDERS: dict[str, tuple[str, str, str]] = {
    "openai": ("https://api.openai.com/v1", "OPENAI_API_KEY", "openai"),
    "anthropic": ("https://api.anthropic.com/v1", "ANTHROPIC_API_KEY", "anthropic"),
    "gemini": (
        "https://generativelanguage.googleapis.com/v1beta",
        "GEMINI_API_KEY",
        "gemini",
    ),
    "deepseek": ("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "openai"),
    "qwen": (
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        "DASHSCOPE_API_KEY",
        "openai",
    ),
    "mistral": ("https://api.mistral.ai/v1", "MISTRAL_API_KEY", "openai"),
    # Hugging Face Inference Providers' router speaks the OpenAI format (TGI does too).
    "huggingface": ("https://router.huggingface.co/v1", "HF_TOKEN", "openai"),
    "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "openai"),
}
