"""OmniPanel's look in a real JupyterLab and Chromium: one icon per panel, messages with a
role mark and a quiet footer, highlighted code blocks whose toolbar shows on hover and
focus and folds into a menu when narrow, errors shown in full; the OmniPanel themes
(chosen in Settings -> Theme) and the text-size and density settings; and axe-core's
WCAG 2 A/AA checks on each panel in each OmniPanel theme and in JupyterLab Dark, with
screenshots of each (tests/artifacts/themes/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes.lab import command
from playwright.sync_api import expect

pytestmark = pytest.mark.ui

AXE_JS = Path(__file__).parents[2] / "labextension" / "node_modules" / "axe-core" / "axe.min.js"
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()
OMNIPANEL_THEMES = ["OmniPanel Light", "OmniPanel Dark", "OmniPanel Neon", "OmniPanel Glass"]
CHECKED_THEMES = [*OMNIPANEL_THEMES, "JupyterLab Dark"]
PANELS = {
    "chat": "#omnipanel-chat",
    "projects": "#omnipanel-projects",
    "models": "#omnipanel-models",
}

REPLY = """Here is a small **helper**, with a test:

```python
# Double every value, keep the order.
def doubled(values: list[int]) -> list[int]:
    return [2 * v for v in values if v is not None]

print(doubled([1, 2, 3]), "done")
```

Then, in a shell:

```bash
python -m pytest -q tests/
```

1. Steps in a list:
   - nested deeper:
     ```sh
     ls -la
     ```
"""
LONG_ERROR = (
    "The model server at http://127.0.0.1:9/v1/chat/completions refused the connection "
    "(ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 9)); check "
    "that it runs and that OmniPanel may reach it. A_very_long_identifier_without_any_"
    "spaces_that_must_wrap_instead_of_being_cut_off_at_the_edge_of_the_panel_END."
)


def chat_export(title: str) -> dict[str, Any]:
    """A chat as OmniPanel exports it: a question with a failed reply, then one with code."""
    stamp = "2026-11-30T09:15:00+00:00"
    return {
        "format": "omnipanel-chat",
        "version": 1,
        "chat": {"title": title, "tags": [], "pinned": False, "model": None},
        "messages": [
            {"id": "q1", "parent_id": None, "role": "user", "content": "Ask my server first.",
             "created_at": stamp},
            {"id": "a1", "parent_id": "q1", "role": "assistant", "content": "",
             "status": "failed", "stats": {"provider": "lan", "model": "big",
                                           "error": LONG_ERROR}, "created_at": stamp},
            {"id": "q2", "parent_id": "a1", "role": "user", "content": "Write a helper that "
             "doubles a list, and how to test it.", "created_at": stamp},
            {"id": "a2", "parent_id": "q2", "role": "assistant", "content": REPLY,
             "status": "complete", "stats": {"provider": "scripted", "model": "code"},
             "created_at": stamp},
        ],
    }  # fmt: skip


def import_chat(lab_server: Any, project_name: str, title: str) -> dict[str, Any]:
    project = lab_server.api("projects", "POST", {"name": project_name})
    chat = lab_server.api(f"chats/import?project_id={project['id']}", "POST", chat_export(title))
    return {"project": project, "chat": chat}


def open_in_side_panel(page: Any, project_name: str, title: str) -> Any:
    """The chat panel with the chat ``title`` of ``project_name`` open in it."""
    page.keyboard.press("Alt+Shift+C")
    panel = page.locator("#omnipanel-chat")
    panel.wait_for(state="visible")
    panel.get_by_label("Project").select_option(label=project_name)
    panel.get_by_role("button", name=title, exact=True).click()
    panel.locator(".jp-OmniPanel-message-assistant .jp-OmniPanel-codeBlock").first.wait_for()
    return panel


def theme_applied(page: Any, name: str) -> None:
    page.locator(f'body[data-jp-theme-name="{name}"]').wait_for(state="attached")
    # JupyterLab's splash covers a theme change: the next change waits until it is gone.
    page.locator("#jupyterlab-splash").wait_for(state="detached")
    page.wait_for_timeout(300)  # the layout settles


def set_theme(page: Any, name: str) -> None:
    command(page, "apputils:change-theme", {"theme": name})
    theme_applied(page, name)


def axe_check(page: Any, selector: str) -> dict[str, Any]:
    """axe-core's WCAG 2 A/AA check of what is inside ``selector``: its serious and
    critical violations, and on how many elements it decided text contrast (passed) or
    could not; then every text in view checked for AA contrast from the computed colours
    (contrast.js), as axe-core decides on few texts in JupyterLab's layout."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async (selector) => {
            const r = await axe.run(selector, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            });
            const count = (list) => list.filter(v => v.id === 'color-contrast')
                .reduce((n, v) => n + v.nodes.length, 0);
            return {
                violations: r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
                    })),
                contrast_passed: count(r.passes),
                contrast_undecided: count(r.incomplete),
            };
        }""",
        selector,
    ) | {"contrast": page.evaluate(CONTRAST_JS, selector)}


def test_each_panel_has_its_own_icon(page: Any, lab_server: Any) -> None:
    icons = {}
    for name, selector in PANELS.items():
        tab = page.locator(f'.jp-SideBar .lm-TabBar-tab[data-id="{selector[1:]}"]')
        icons[name] = tab.locator("svg").first.evaluate("svg => svg.innerHTML")
    assert len(set(icons.values())) == 3, icons


def test_messages_code_blocks_and_errors_look_designed(page: Any, lab_server: Any) -> None:
    import_chat(lab_server, "Look", "Helpers")
    panel = open_in_side_panel(page, "Look", "Helpers")
    user = panel.locator(".jp-OmniPanel-message-user").first
    reply = panel.locator('.jp-OmniPanel-message-assistant[data-status="complete"]')

    # A role mark and the author on each message; the reply's model in a quiet footer.
    expect(user.locator(".jp-OmniPanel-roleMark svg")).to_have_count(1)
    expect(reply.locator(".jp-OmniPanel-roleMark svg")).to_have_count(1)
    expect(user.locator(".jp-OmniPanel-author")).to_have_text("You")
    expect(reply.locator(".jp-OmniPanel-author")).to_have_text("Assistant")
    expect(reply.locator(".jp-OmniPanel-messageFooter")).to_have_text("scripted/code")
    assert reply.locator(".jp-OmniPanel-meta").evaluate(
        "m => parseFloat(getComputedStyle(m).fontSize) < "
        "parseFloat(getComputedStyle(m.closest('.jp-OmniPanel-message')).fontSize)"
    )

    # The time shows on hover (with the full date as its tooltip), not before.
    time = reply.locator("time.jp-OmniPanel-messageTime")
    expect(time).to_have_attribute("datetime", "2026-11-30T09:15:00Z")
    assert "2026" in (time.get_attribute("title") or "")
    page.locator("#jp-main-dock-panel").hover()
    expect(time).to_have_css("opacity", "0")
    reply.locator(".jp-OmniPanel-messageHeader").hover()
    expect(time).to_have_css("opacity", "1")

    # Code: highlighted by JupyterLab (CodeMirror token classes and colours), on a
    # background of its own.
    block = reply.locator(".jp-OmniPanel-codeBlock").first
    tokens = block.locator("pre code span[class]")
    assert tokens.count() >= 5
    colours = set(tokens.evaluate_all("spans => spans.map(s => getComputedStyle(s).color)"))
    assert len(colours) >= 3, colours
    background = block.evaluate("b => getComputedStyle(b).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    expect(block.locator(".jp-OmniPanel-codeLanguage")).to_have_text("python")

    # The toolbar's icons show on hover and on keyboard focus, not before.
    copy = block.get_by_role("button", name="Copy")
    page.locator("#jp-main-dock-panel").hover()
    expect(copy).to_have_css("opacity", "0")
    block.hover()
    expect(copy).to_have_css("opacity", "1")
    page.locator("#jp-main-dock-panel").hover()
    copy.focus()
    expect(copy).to_have_css("opacity", "1")
    assert block.evaluate("b => b.getBoundingClientRect().width") > 180
    for name in ("Insert below", "Replace cell", "New file", "Apply to file", "Run in terminal"):
        expect(block.get_by_role("button", name=name)).to_be_visible()
    expect(block.get_by_role("button", name="More actions")).to_be_hidden()

    # A narrow block (deep in a list) folds the less used actions into a menu.
    narrow = reply.locator(".jp-OmniPanel-codeBlock").nth(2)
    assert narrow.evaluate("b => b.getBoundingClientRect().width") <= 180
    narrow.hover()
    expect(narrow.get_by_role("button", name="Replace cell")).to_be_hidden()
    expect(narrow.get_by_role("button", name="Copy")).to_be_visible()
    narrow.get_by_role("button", name="More actions").click()
    menu = page.locator(".lm-Menu.jp-OmniPanel-codeMenu")
    expect(menu.get_by_role("menuitem")).to_have_text(
        ["Replace cell", "New file", "Apply to file", "Run in terminal"]
    )
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)

    # The failed reply's error is shown whole: wrapped, never cut off.
    error = panel.locator('.jp-OmniPanel-message-assistant[data-status="failed"]').locator(
        ".jp-OmniPanel-error"
    )
    expect(error).to_have_text(LONG_ERROR)
    fits = error.evaluate(
        """e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1
            && getComputedStyle(e).textOverflow !== 'ellipsis'"""
    )
    assert fits
    assert error.evaluate("e => e.getBoundingClientRect().right") <= panel.evaluate(
        "p => p.getBoundingClientRect().right"
    )


def test_themes_are_offered_in_the_settings_menu(page: Any, lab_server: Any) -> None:
    page.locator("#jp-menu-panel").get_by_text("Settings", exact=True).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel").get_by_text("Theme", exact=True).hover()
    submenu = page.locator(".lm-Menu").last
    for name in OMNIPANEL_THEMES:
        expect(submenu.get_by_text(name, exact=True)).to_be_visible()
    submenu.get_by_text("OmniPanel Neon", exact=True).click()
    theme_applied(page, "OmniPanel Neon")
    page.locator('html[data-omnipanel-theme="neon"]').wait_for(state="attached")
    # The palette applies to JupyterLab itself, and what derives from it follows.
    layout = page.evaluate(
        """() => [getComputedStyle(document.documentElement).getPropertyValue(
            '--jp-layout-color1').trim(), getComputedStyle(document.querySelector(
            '#jp-main-dock-panel')).getPropertyValue('--jp-toolbar-background').trim()]"""
    )
    assert layout == ["#0c0a18", "#0c0a18"]
    assert page.evaluate("() => document.body.dataset.jpThemeLight") == "false"
    # Back to JupyterLab's theme: the palette goes with it.
    set_theme(page, "JupyterLab Light")
    assert page.locator("html[data-omnipanel-theme]").count() == 0
    color = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--jp-layout-color1')"
    )
    assert color.strip() == "white"


def test_text_size_and_density_settings(page: Any, lab_server: Any) -> None:
    import_chat(lab_server, "Sizes", "Sizes")
    panel = open_in_side_panel(page, "Sizes", "Sizes")
    text = panel.locator(".jp-OmniPanel-message-user .jp-OmniPanel-plain").first
    message = panel.locator(".jp-OmniPanel-message-user").first

    def measure() -> tuple[float, float]:
        return (
            text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"),
            message.evaluate("e => parseFloat(getComputedStyle(e).paddingTop)"),
        )

    size, padding = measure()
    raw = json.dumps({"fontSize": "large", "density": "spacious"})
    page.request.put(
        f"{lab_server.url}lab/api/settings/omnipanel-lab:appearance",
        headers={"Authorization": f"token {lab_server.token}"},
        data=json.dumps({"raw": raw}),
    )
    page.reload()
    page.evaluate("() => window.jupyterapp.restored")
    page.locator("body[data-omnipanel-font-size]").wait_for(state="attached")
    page.keyboard.press("Alt+Shift+C")
    # The panel shows the chat again, or its list (then the chat is opened from it).
    shown = panel.locator(".jp-OmniPanel-message-user").or_(panel.get_by_label("Project"))
    shown.first.wait_for()
    if not panel.locator(".jp-OmniPanel-message-user").first.is_visible():
        open_in_side_panel(page, "Sizes", "Sizes")
    assert page.evaluate("() => document.body.dataset.omnipanelFontSize") == "large"
    large_size, large_padding = measure()
    assert large_size >= size * 1.1
    assert large_padding >= padding * 1.4


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_panels_meet_wcag_aa_in_each_theme(
    page: Any, lab_server: Any, artifacts: Path, device: str
) -> None:
    """axe-core finds no serious or critical WCAG 2 A/AA violation in the chat (side panel,
    and a chat tab on the desktop), projects and models panels in each OmniPanel theme and
    in JupyterLab Dark; a screenshot of each."""
    assert AXE_JS.exists(), f"{AXE_JS}: run jlpm install in labextension/"
    folder = artifacts / "themes"
    folder.mkdir(exist_ok=True)
    name = f"Theme check {device}"
    import_chat(lab_server, name, "Helpers")
    if device == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    else:
        page.set_viewport_size({"width": 1440, "height": 900})
    chat = import_chat(lab_server, f"{name} tab", "In a tab")["chat"]
    panel = open_in_side_panel(page, name, "Helpers")
    checked = dict(PANELS)
    if device == "desktop":  # a chat in a main-area tab too (no room for one on a phone)
        command(page, "omnipanel:open-chat-in-tab", {"chatId": chat["id"]})
        page.locator("#jp-main-dock-panel .jp-OmniPanel-codeBlock").first.wait_for()
        checked["chat tab"] = "#jp-main-dock-panel .jp-OmniPanel-chatPanel"
    found: dict[str, dict[str, Any]] = {}
    for theme in CHECKED_THEMES:
        set_theme(page, theme)
        slug = theme.lower().replace(" ", "-")
        page.keyboard.press("Alt+Shift+C")
        panel.wait_for(state="visible")
        code = panel.locator(".jp-OmniPanel-codeBlock").first
        code.scroll_into_view_if_needed()
        page.mouse.move(1, 1)  # no hover effects in the check
        for key in ("chat", "chat tab"):
            if key in checked:
                found[f"{theme}/{key}"] = axe_check(page, checked[key])
        code.hover()  # the screenshots show a code block's toolbar
        if device == "phone":
            page.screenshot(path=str(folder / f"{slug}-chat-phone.png"))
        for left in ("projects", "models"):
            key = "Alt+Shift+P" if left == "projects" else "Alt+Shift+M"
            page.keyboard.press(key)
            page.locator(PANELS[left]).wait_for(state="visible")
            page.locator(PANELS[left]).locator(".jp-OmniPanel-panelBody").wait_for()
            page.wait_for_timeout(300)
            page.mouse.move(1, 1)
            found[f"{theme}/{left}"] = axe_check(page, PANELS[left])
            if device == "phone":
                page.screenshot(path=str(folder / f"{slug}-{left}-phone.png"))
            else:
                if not panel.is_visible():
                    page.keyboard.press("Alt+Shift+C")
                code.hover()
                page.wait_for_timeout(200)
                page.screenshot(path=str(folder / f"{slug}-{left}-desktop.png"))
    (folder / f"axe-{device}.json").write_text(json.dumps(found, indent=2))
    violations = {key: value["violations"] for key, value in found.items() if value["violations"]}
    assert violations == {}, json.dumps(violations, indent=2)
    # Every text in view has AA contrast, and there was text to check on each panel.
    low = {key: value["contrast"] for key, value in found.items() if value["contrast"]["failures"]}
    assert low == {}, json.dumps(low, indent=2)
    assert all(value["contrast"]["checked"] >= 10 for value in found.values()), found
