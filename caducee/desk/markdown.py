"""Markdown of tickets and comments, rendered to HTML that is safe to show.

Rule (issue "Service desk core" points 1 and 5; OWASP XSS prevention):
whoever writes a ticket — a requester in the portal, an e-mail turned into a
ticket, a monitoring alert — must never be able to run script in an agent's
browser, which holds the session of someone who sees every ticket of the
GHT. Two layers, so that one mistake in either is not enough:

1. Python-Markdown (fenced code, tables, line breaks as typed, sane lists)
   with its raw-HTML handling removed: ``<b>`` typed in a ticket is shown as
   the text ``<b>``, as a user pasting an error message expects, never
   parsed as HTML.
2. nh3 (the ammonia sanitiser) with a short allow-list of the tags Markdown
   produces, no attribute but ``href``/``title`` on links, only ``http``,
   ``https`` and ``mailto`` links (relative links are kept, they stay on our
   origin), ``rel="noopener noreferrer nofollow"`` on every link, comments
   stripped.

Images are not rendered (the tag is dropped): an image URL in a ticket would
make every agent's browser call an outside server (no runtime call to the
internet, DESIGN.md) or carry a ``data:`` payload; screenshots are
attachments.
"""

from __future__ import annotations

import markdown as python_markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

EXTENSIONS = ["fenced_code", "tables", "nl2br", "sane_lists"]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
#: Tags removed with their content, not just unwrapped.
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})


def _converter() -> python_markdown.Markdown:
    md = python_markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    # Raw HTML is text: without these, Python-Markdown passes it through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """``text`` (Markdown) as sanitised HTML, safe to insert in a page."""
    if not text:
        return mark_safe("")
    html = _converter().convert(str(text))
    return mark_safe(sanitise(html))  # noqa: S308 - sanitised by nh3 just above
