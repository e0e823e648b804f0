"""Template filters for the text people write on tickets.

``{{ ticket.description|markdown }}`` renders Markdown as sanitised HTML
(see ``caducee.desk.markdown`` for what is kept and why).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from caducee.desk.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown(value: str | None) -> SafeString:
    """Also importable: the ticket page renders the description with it."""
    return render_markdown(value)
