"""Safe formatted text for a call's body: a few marks that staff type, everything else escaped.

What is understood, and nothing more (no HTML passes through):
- a blank line separates paragraphs; a single line break stays a line break;
- lines that start with "- " or "* " make a bulleted list, "1. " (any number) a numbered list;
- `**bold**`;
- `[text](https://…)` and bare `https://…` addresses become links with rel="nofollow noopener"
  (only http and https: `javascript:` and other schemes stay plain text).

The text is escaped first and the marks are found in the escaped text, so no input can open a
tag or an attribute of its own.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# In escaped text: "[label](https://…)"; the address stops at whitespace or ")".
_LINK = re.compile(r"\[([^\]\n]{1,300})\]\((https?://[^\s)]{1,2000})\)")
_BARE = re.compile(r"(?<![\w/\"=>])(https?://[^\s<]{1,2000}[^\s<.,;:!?)])")


def _anchor(label: str, address: str) -> str:
    # label and address are already escaped; the address cannot hold a quote (escaped to &quot;)
    return f'<a href="{address}" rel="nofollow noopener">{label}</a>'


def _inline(escaped: str) -> str:
    """Bold and links in one escaped line."""
    placeholders: list[str] = []

    def keep(html: str) -> str:
        placeholders.append(html)
        return f"\x00{len(placeholders) - 1}\x00"

    text = _LINK.sub(lambda m: keep(_anchor(m.group(1), m.group(2))), escaped)
    text = _BARE.sub(lambda m: keep(_anchor(m.group(1), m.group(1))), text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: placeholders[int(m.group(1))], text)


def _block(lines: list[str]) -> str:
    """One block (lines without a blank line between them): lists and paragraphs."""
    html: list[str] = []
    paragraph: list[str] = []
    list_tag = ""
    items: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if items:
            inner = "".join(f"<li>{_inline(item)}</li>" for item in items)
            html.append(f"<{list_tag}>{inner}</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in lines:
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        match, tag = (bullet, "ul") if bullet else (numbered, "ol")
        if match:
            flush_paragraph()
            if list_tag != tag:
                flush_list()
                list_tag = tag
            items.append(match.group(1))
        else:
            flush_list()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return "".join(html)


def render(text: str) -> SafeString:
    """The body as HTML that is safe to show as it is."""
    escaped = escape(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = re.split(r"\n\s*\n", escaped.strip())
    html = "".join(_block(block.split("\n")) for block in blocks if block.strip())
    return mark_safe(html)  # nosec B703 B308  # built from escaped text only (tests/programs)


def plain(text: str, limit: int = 300) -> str:
    """The body without its marks, shortened (feeds, cards)."""
    stripped = _LINK.sub(r"\1", text)
    stripped = stripped.replace("**", "")
    stripped = re.sub(r"^\s*(?:[-*]|\d{1,3}[.)])\s+", "", stripped, flags=re.MULTILINE)
    flat = " ".join(stripped.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
