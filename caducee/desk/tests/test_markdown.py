"""Markdown written in tickets is shown formatted, and nothing typed into a
ticket can run script in an agent's browser."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from caducee.desk.markdown import render_markdown, sanitise

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">clic</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](java&#115;cript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](http://evil.example/x.png "onerror=alert(1)")',
    "<!-- <script>alert(1)</script> -->",
    '<div onmouseover="alert(1)">survol</div>',
    "<svg><script>alert(1)</script></svg>",
    "<iframe src='https://evil.example'></iframe>",
    '[x](https://ok.example" onclick="alert(1))',
    "<style>body{display:none}</style>",
    "```html\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    '<a href="vbscript:msgbox(1)">x</a>',
]
ACTIVE = re.compile(
    r"<script|<iframe|<svg|<img|<style|<div|\son\w+\s*=|javascript:|vbscript:|data:|<!--",
    re.IGNORECASE,
)


def tags(html: str) -> str:
    """Only the markup (what a browser would parse), text nodes removed."""
    return "".join(re.findall(r"<[^>]*>", html))


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_becomes_active_markup(payload):
    html = str(render_markdown(payload))
    assert not ACTIVE.search(tags(html)), html


@pytest.mark.parametrize("payload", [p for p in XSS if p.startswith("<")])
def test_the_sanitiser_alone_also_disarms_raw_html(payload):
    """The second layer holds even if Markdown let raw HTML through."""
    html = sanitise(payload)
    assert not ACTIVE.search(tags(html)), html


def test_raw_html_is_shown_as_text():
    html = render_markdown("Erreur : <b>stdio.h</b> introuvable")
    assert html == "<p>Erreur : &lt;b&gt;stdio.h&lt;/b&gt; introuvable</p>"


def test_markdown_is_formatted():
    text = (
        "# Procédure\n\n"
        "Redémarrer **le poste** puis *vérifier*.\n"
        "Ligne suivante\n\n"
        "1. un\n2. deux\n\n"
        "```\ncode <b>\n```\n\n"
        "| UF | Nom |\n|----|-----|\n| 4101 | Réanimation |\n"
    )
    html = render_markdown(text)
    assert "<h1>Procédure</h1>" in html
    assert "<strong>le poste</strong>" in html and "<em>vérifier</em>" in html
    assert "<br>" in html  # a line break is kept as typed
    assert "<ol>\n<li>un</li>" in html
    assert "<pre><code>code &lt;b&gt;\n</code></pre>" in html
    assert "<td>Réanimation</td>" in html


def test_links_keep_safe_schemes_and_get_rel():
    html = render_markdown(
        "[doc](https://intranet.example/doc) [mail](mailto:dsi@valmont.example) "
        "[ftp](ftp://old.example/x)"
    )
    assert (
        '<a href="https://intranet.example/doc" rel="noopener noreferrer nofollow">doc</a>' in html
    )
    assert 'href="mailto:dsi@valmont.example"' in html
    assert "ftp://" not in html


def test_empty_text_renders_nothing_and_the_result_is_safe():
    assert render_markdown("") == "" and render_markdown(None) == ""
    assert isinstance(render_markdown("x"), SafeString)


def test_the_template_filter_renders_sanitised_markdown():
    template = Template("{% load desk_text %}{{ text|markdown }}")
    html = template.render(Context({"text": "**gras** <script>alert(1)</script>"}))
    assert html == "<p><strong>gras</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>"
