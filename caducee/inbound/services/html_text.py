"""HTML mail bodies as safe plain text.

Rule (issue "Channels" point 2): a ticket's description is text the desk
renders as Markdown through its own sanitiser; an HTML mail is turned into
plain text first, so nothing of its markup survives — no script, no style,
no image that calls home, no hidden element. What a reader saw is kept:
paragraphs and line breaks, list items as "- ", table cells separated, and
links as their text followed by the address in parentheses (a nurse's
"voir la capture" link stays useful; it is text, never a live link made
by us). Written on the standard library's tolerant ``HTMLParser``: mail
HTML is rarely valid.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements whose content is never shown.
HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript", "object", "svg"})
#: Elements that begin and end a block of text.
BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "table",
        "tr",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "address",
        "center",
        "form",
        "fieldset",
    }
)
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "wbr"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            if tag not in VOID:
                self.hidden += 1
            return
        if self.hidden:
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((href.strip(), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            if href and not href.lower().startswith(("javascript:", "data:", "vbscript:")):
                shown = href.removeprefix("mailto:")
                if shown and shown != text:
                    self.parts.append(f" ({shown})")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The text a reader of ``html`` sees, as plain text (see the module docstring)."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip()
