"""A reply's code-block actions and the @ context, in a real JupyterLab with a real
terminal: run in a terminal (which terminal, in which folder, one bracketed paste, hidden
characters refused), apply to a file change by change, new files that never overwrite,
and what @file, @selection, @terminal and @diff put into the message. Replies come from
a loopback server in OpenAI's streaming format (tests/fakes/slow_openai.py), each model
name answering with a scripted text."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from fakes.composer import add_context
from fakes.lab import command
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

DONE = '.jp-OmniPanel-message-assistant[data-status="complete"]'


class Chat:
    """A chat in the side panel whose next reply is a text of the test's choice."""

    def __init__(self, page: Any, lab_server: Any, fake_openai: Any, project: str) -> None:
        self.page, self.lab_server, self.fake_openai = page, lab_server, fake_openai
        project_id = next(
            p["id"] for p in lab_server.api("projects")["items"] if p["name"] == project
        )
        # Stored at once (the panel's "New chat" stores a chat with its first message):
        # each ask() sets the model of the chat before sending.
        self.id = lab_server.api("chats", "POST", {"project_id": project_id})["id"]
        command(page, "omnipanel:open-chat")  # a restored terminal may have the keyboard
        self.panel = page.locator("#omnipanel-chat")
        self.panel.get_by_label("Project").select_option(label=project)
        untitled = self.panel.get_by_label("Chats").get_by_role(
            "button", name="New chat", exact=True
        )
        untitled.click()
        self.message = self.panel.get_by_role("textbox", name="Message")
        self.message.wait_for()

    def ask(self, text: str, reply: str, marker: str) -> Any:
        """Send ``text``; the model answers ``reply``. Returns that reply's article."""
        model = f"reply-{len(self.fake_openai.replies)}"
        self.fake_openai.replies[model] = reply
        self.lab_server.api(
            f"chats/{self.id}", "PATCH", {"model": {"provider": "scripted", "model": model}}
        )
        self.message.fill(text)
        self.message.press("Enter")
        answer = self.panel.locator(DONE).filter(has_text=marker).last
        answer.wait_for(timeout=30_000)
        return answer

    def sent(self) -> str:
        """The last user message as the model received it (context included)."""
        return self.fake_openai.requests[-1]["messages"][-1]["content"]

    def add_context(self, kind: str) -> None:
        add_context(self.panel, kind)


def action(reply: Any, name: str) -> None:
    """Click a code block's action: on a narrow block (a phone) it is in "More actions"."""
    toolbar = reply.get_by_role("toolbar", name="Code actions")
    button = toolbar.get_by_role("button", name=name)
    if button.is_visible():
        button.click()
    else:
        toolbar.get_by_role("button", name="More actions").click()
        reply.page.locator(".lm-Menu").get_by_role("menuitem", name=name).click()


def put_file(lab_server: Any, path: str, text: str) -> None:
    lab_server.request(
        f"api/contents/{path}", "PUT", {"type": "file", "format": "text", "content": text}
    )


def focused_text(page: Any) -> str:
    return page.evaluate("document.activeElement?.textContent ?? ''")


def wait_for_lines(page: Any, path: Path, count: int) -> str:
    """The file's text once it has ``count`` lines (a command writes it). The page waits,
    so that its events (the frames sent) are taken in meanwhile."""
    for _ in range(200):
        if path.exists() and path.read_text().count("\n") >= count:
            return path.read_text()
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} was not written")


def screenshots(page: Any, artifacts: Path, name: str, reopen: Any) -> None:
    """The open dialog on a desktop in light theme, then (reopened by ``reopen``) in dark
    theme and on a 390x844 phone in both themes."""
    dialog = page.locator(".jp-Dialog")
    page.screenshot(path=str(artifacts / f"{name}-desktop-light.png"))
    for theme, size, label in [
        ("JupyterLab Dark", {"width": 1280, "height": 800}, "desktop-dark"),
        ("JupyterLab Dark", {"width": 390, "height": 844}, "phone-dark"),
        ("JupyterLab Light", {"width": 390, "height": 844}, "phone-light"),
    ]:
        dialog.get_by_role("button", name="Cancel").or_(
            dialog.get_by_role("button", name="Close")
        ).click()
        dialog.wait_for(state="detached")
        command(page, "apputils:change-theme", {"theme": theme})
        page.wait_for_function("theme => document.body.dataset.jpThemeName === theme", arg=theme)
        page.set_viewport_size(size)
        if size["width"] < 600:  # as on a phone: the chat panel in the left sidebar's room
            page.evaluate("window.jupyterapp.shell.collapseLeft()")
        reopen()
        dialog.wait_for()
        page.wait_for_timeout(300)  # the dialog's layout settles
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"))
    dialog.get_by_role("button", name="Cancel").or_(
        dialog.get_by_role("button", name="Close")
    ).click()
    page.set_viewport_size({"width": 1280, "height": 800})


RECORD_TERMINAL_INPUT = """() => {
    window.terminalInput = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        if (this.url.includes("/terminals/websocket/")) {
            const [kind, text] = JSON.parse(data);
            if (kind === "stdin") window.terminalInput.push(text);
        }
        return send.call(this, data);
    };
}"""


def test_run_in_terminal_names_it_runs_in_the_project_and_refuses_hidden_characters(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Shell work"})
    folder = lab_server.root_dir / project["folder"]
    # What the page types into terminals (seen as it leaves, so no frame is missed).
    page.evaluate(RECORD_TERMINAL_INPUT)

    def typed() -> list[str]:
        return page.evaluate("window.terminalInput")

    chat = Chat(page, lab_server, fake_openai, "Shell work")
    command_text = "pwd > out.txt\necho second >> out.txt"
    reply = chat.ask("Where am I?", f"Run this:\n\n```bash\n{command_text}\n```\n", "out.txt")
    dialog = page.locator(".jp-Dialog")

    # No terminal yet: the dialog says a new one opens in the project folder; Cancel has
    # the focus, so Enter cancels.
    action(reply, "Run in terminal")
    dialog.get_by_text(
        f"Opens a new terminal in the project folder “{project['folder']}”"
    ).wait_for()
    expect(dialog.locator(".jp-OmniPanel-commandPreview")).to_have_text(command_text)
    assert focused_text(page) == "Cancel"
    screenshots(page, artifacts, "run-in-terminal", lambda: action(reply, "Run in terminal"))
    action(reply, "Run in terminal")
    dialog.wait_for()
    page.keyboard.press("Enter")
    dialog.wait_for(state="detached")
    assert lab_server.request("api/terminals") == []

    # Run: a terminal opens in the project folder, the two lines go in as one paste.
    action(reply, "Run in terminal")
    dialog.get_by_role("button", name="Run").click()
    assert wait_for_lines(page, folder / "out.txt", 2) == f"{folder}\nsecond\n"
    assert typed() == [f"\x1b[200~{command_text}\x1b[201~\r"]
    assert len(lab_server.request("api/terminals")) == 1

    # Next time the dialog names the terminal it types into.
    action(reply, "Run in terminal")
    dialog.get_by_text("Types into “Terminal 1”, the terminal you used last").wait_for()
    dialog.get_by_role("button", name="Cancel").click()

    # A backspace hides what runs ("echo harmless" shows, "echo hidden" runs): it is
    # shown, named, and the code is not run.
    hidden = "echo harmless" + "\b" * 8 + "hidden > hidden.txt"
    reply = chat.ask("And this?", f"Try:\n\n```bash\n{hidden}\n```\n", "hidden.txt")
    action(reply, "Run in terminal")
    dialog.get_by_text("U+0008 BACKSPACE").first.wait_for()
    dialog.get_by_text("It is not run").wait_for()
    expect(dialog.get_by_role("button", name="Run")).to_have_count(0)
    page.screenshot(path=str(artifacts / "run-in-terminal-hidden-characters.png"))
    dialog.get_by_role("button", name="Close").click()
    page.wait_for_timeout(500)
    assert len(typed()) == 1 and not (folder / "hidden.txt").exists()


CALC = '''def total(items):
    """Add up the items."""
    result = 0
    for item in items:
        result += item
    return result


def mean(items):
    return total(items) / len(items)
'''

NEW_TOTAL = '''def total(items):
    """Add up the numbers in items."""
    result = 0
    for item in items:
        result += item
    return float(result)'''


def test_apply_to_file_shows_the_change_and_takes_one_hunk(
    page: Any, lab_server: Any, fake_openai: Any, artifacts: Path
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Calc"})
    path = f"{project['folder']}/calc.py"
    put_file(lab_server, path, CALC)
    command(page, "docmanager:open", {"path": path})
    page.locator(".jp-FileEditor .cm-content").get_by_text("def mean").wait_for()
    chat = Chat(page, lab_server, fake_openai, "Calc")
    reply = chat.ask(
        "Make total a float", f"Here:\n\n```python\n{NEW_TOTAL}\n```\n", "float(result)"
    )

    # Only the function changes, in two hunks; the rest of the file is not replaced.
    action(reply, "Apply to file")
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_text(f"Apply to {path}?").wait_for()
    dialog.get_by_text("The code replaces lines 1 to 6 of the file.").wait_for()
    dialog.get_by_text("2 changes: 0 accepted, 0 rejected, 2 not decided").wait_for()
    assert focused_text(page) == "Cancel"
    deleted = dialog.locator(".cm-deletedChunk")
    expect(deleted).to_have_count(2)
    expect(deleted.filter(has_text="mean")).to_have_count(0)
    screenshots(page, artifacts, "apply-to-file", lambda: action(reply, "Apply to file"))

    # Accept the docstring's hunk, reject the return's: the file has exactly that change.
    action(reply, "Apply to file")
    deleted.first.get_by_role("button", name="Accept").click()
    dialog.get_by_text("2 changes: 1 accepted, 0 rejected, 1 not decided").wait_for()
    deleted.first.get_by_role("button", name="Reject").click()
    dialog.get_by_text("2 changes: 1 accepted, 1 rejected, 0 not decided").wait_for()
    dialog.get_by_role("button", name="Apply accepted").click()
    dialog.wait_for(state="detached")
    command(page, "docmanager:save")
    expected = CALC.replace("Add up the items.", "Add up the numbers in items.")
    for _ in range(50):
        if (lab_server.root_dir / path).read_text() == expected:
            break
        page.wait_for_timeout(100)
    assert (lab_server.root_dir / path).read_text() == expected

    # A Python block for a JavaScript file: the dialog says so.
    js_path = f"{project['folder']}/calc.js"
    put_file(lab_server, js_path, "function total(items) {\n  return 0;\n}\n")
    command(page, "docmanager:open", {"path": js_path})
    page.locator(".jp-FileEditor .cm-content").get_by_text("return 0").wait_for()
    action(reply, "Apply to file")
    dialog.get_by_text("This is Python code, and calc.js is a JavaScript file.").wait_for()
    dialog.get_by_role("button", name="Cancel").click()


def test_new_file_goes_into_the_chats_project_and_never_overwrites(
    page: Any, lab_server: Any, fake_openai: Any
) -> None:
    alpha = lab_server.api("projects", "POST", {"name": "Alpha"})
    lab_server.api("projects", "POST", {"name": "Beta"})
    chat = Chat(page, lab_server, fake_openai, "Alpha")
    reply_text = "Save it:\n\n```python\nprint('alpha')\n```\n"
    chat.ask("A snippet please", reply_text, "print('alpha')")
    # The chat goes to a tab; the side panel shows another project.
    command(page, "omnipanel:open-chat-in-tab", {"chatId": chat.id})
    tab = page.locator("#jp-main-dock-panel .jp-OmniPanel-chat")
    reply = tab.locator(DONE).last
    reply.wait_for()
    chat.panel.get_by_role("button", name="Back to chats").click()
    chat.panel.get_by_label("Project").select_option(label="Beta")

    dialog = page.locator(".jp-Dialog")
    folder = lab_server.root_dir / alpha["folder"]
    chat_tab = page.locator(".lm-TabBar-tab", has_text="A snippet please")
    for name in ["snippet.py", "snippet-2.py"]:
        chat_tab.click()  # the new file opened over it
        action(reply, "New file")
        expect(dialog.locator("input")).to_have_value(f"{alpha['folder']}/{name}")
        dialog.get_by_role("button", name="Ok").click()
        dialog.wait_for(state="detached")
        for _ in range(50):  # the dialog closes before the file is written
            if (folder / name).exists() and (folder / name).read_text():
                break
            page.wait_for_timeout(100)
        assert (folder / name).read_text() == "print('alpha')"

    # A taken name typed by hand: replaced only if confirmed (Cancel has the focus).
    (folder / "snippet.py").write_text("keep me\n")
    chat_tab.click()
    action(reply, "New file")
    dialog.locator("input").fill(f"{alpha['folder']}/snippet.py")
    dialog.get_by_role("button", name="Ok").click()
    page.locator(".jp-Dialog").get_by_text("Replace the file?").wait_for()
    assert focused_text(page) == "Cancel"
    page.keyboard.press("Enter")
    page.locator(".jp-Dialog").wait_for(state="detached")
    assert (folder / "snippet.py").read_text() == "keep me\n"
    assert not (lab_server.root_dir / "Beta" / "snippet.py").exists()


def test_context_file_selection_terminal_and_diff(
    page: Any, lab_server: Any, fake_openai: Any
) -> None:
    project = lab_server.api("projects", "POST", {"name": "Context"})
    folder = lab_server.root_dir / project["folder"]
    notes = f"{project['folder']}/notes.txt"
    put_file(lab_server, notes, "first line\nsecond line\n")
    chat = Chat(page, lab_server, fake_openai, "Context")

    # @file: the chosen file's text.
    add_context(chat.panel, "notes", "notes.txt")
    chat.panel.get_by_role("button", name=f"Remove @file {notes}").wait_for()
    chat.ask("Read it", "Read: ok-file", "ok-file")
    assert f"[file: {notes}]" in chat.sent() and "second line" in chat.sent()

    # @selection: exactly the selected text of the editor.
    command(page, "docmanager:open", {"path": notes})
    page.locator(".jp-FileEditor .cm-content").get_by_text("second line").wait_for()
    page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.content.editor.setSelection({
            start: { line: 1, column: 0 }, end: { line: 1, column: 6 } })"""
    )
    chat.add_context("selection")
    chat.panel.get_by_label("Context").get_by_text(f"selection in {notes}").wait_for()
    chat.ask("This word?", "Read: ok-selection", "ok-selection")
    assert f"[selection: selection in {notes}]\n```\nsecond\n```" in chat.sent()

    # @terminal: what the terminal printed.
    command(page, "terminal:create-new")
    terminal = page.locator(".jp-Terminal").last
    terminal.wait_for()
    page.wait_for_timeout(1000)  # the shell's prompt
    terminal.click()
    page.keyboard.type(f"echo marker-$((6*7)) | tee {lab_server.root_dir}/marker.txt\n")
    wait_for_lines(page, lab_server.root_dir / "marker.txt", 1)
    page.wait_for_timeout(300)  # the output on its way to the page
    chat.add_context("terminal")
    chat.panel.locator(".jp-OmniPanel-chip", has_text="@terminal").wait_for()
    chat.ask("What did it say?", "Read: ok-terminal", "ok-terminal")
    assert "marker-42" in chat.sent()

    # @diff: the project's uncommitted changes.
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    (folder / "plan.txt").write_text("old plan\n")
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "plan.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "plan"], check=True)
    (folder / "plan.txt").write_text("new plan\n")
    chat.add_context("diff")
    chat.panel.get_by_label("Context").get_by_text("git diff of the project").wait_for()
    chat.ask("Review", "Read: ok-diff", "ok-diff")
    assert "-old plan\n+new plan" in chat.sent()
