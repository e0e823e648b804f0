"""The classifier and the reading of messages, on message fixtures."""

from __future__ import annotations

import pytest

from caducee.inbound.models import Outcome
from caducee.inbound.services.classify import classify
from caducee.inbound.services.html_text import html_to_text
from caducee.inbound.services.parsing import (
    MalformedMessage,
    clean_subject,
    parse,
    strip_quoted,
)
from caducee.inbound.tests.conftest import fixture_message

OWN = {"support@valmont.example", "caducee@localhost"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("out_of_office_fr.eml", Outcome.AUTO_REPLY),
        ("out_of_office_subject_only.eml", Outcome.AUTO_REPLY),
        ("outlook_auto_reply.eml", Outcome.AUTO_REPLY),
        ("precedence_bulk.eml", Outcome.AUTO_REPLY),
        ("dsn_bounce.eml", Outcome.BOUNCE),
        ("bounce_null_sender.eml", Outcome.BOUNCE),
        ("own_mail_back.eml", Outcome.LOOP),
        ("plain_request.eml", None),
        ("html_only.eml", None),
        ("reply_quoted.eml", None),
    ],
)
def test_classifier_sorts_the_fixtures(name, outcome):
    verdict = classify(parse(fixture_message(name)), own_addresses=OWN)
    assert (verdict.outcome if verdict else None) == outcome


@pytest.mark.django_db
def test_a_sender_that_is_one_of_our_mailboxes_is_a_loop():
    raw = fixture_message("plain_request.eml").replace(
        b"Claire.Martin@Valmont.example", b"Support@valmont.example"
    )
    assert classify(parse(raw), own_addresses=OWN).outcome == Outcome.LOOP


def test_a_real_subject_about_an_absence_is_not_an_out_of_office():
    parsed = parse(fixture_message("plain_request.eml"))
    assert parsed.sender == "claire.martin@valmont.example"
    assert clean_subject(parsed.subject) == "Absence de réseau au bloc opératoire"


def test_a_message_without_headers_is_malformed():
    with pytest.raises(MalformedMessage):
        parse(fixture_message("malformed.eml"))
    with pytest.raises(MalformedMessage):
        parse(b"")


def test_html_becomes_safe_text_with_links_kept():
    text = parse(fixture_message("html_only.eml")).text
    assert "L'écran de l'armoire à pharmacie est figé." in text
    assert "la procédure (https://intranet.valmont.example/doc)" in text
    assert "- salle 12\n- depuis 8h" in text
    for unwanted in ("alert", "color: red", "<", "pixel.gif"):
        assert unwanted not in text


def test_html_to_text_drops_scripts_and_dangerous_links():
    html = (
        "<p>Un<br>deux</p><script>steal()</script><style>x{}</style>"
        '<a href="javascript:steal()">ici</a> <a href="mailto:a@b.example">a@b.example</a>'
        "<table><tr><td>PC-12</td><td>HS</td></tr></table>&lt;b&gt;"
    )
    text = html_to_text(html)
    assert text.startswith("Un\ndeux")
    assert "steal" not in text and "x{}" not in text
    assert "ici" in text and "a@b.example (" not in text
    assert "PC-12 | HS" in text
    assert "<b>" in text  # an escaped bracket is text, shown as such


def test_the_quoted_part_of_a_reply_is_stripped():
    text = parse(fixture_message("reply_quoted.eml")).text
    assert strip_quoted(text) == "Oui, le poste redémarre maintenant. Merci !"


@pytest.mark.parametrize(
    "quoted",
    [
        "Merci.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Support <s@v.example> wrote:\n> old",
        "Merci.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nold",
        "Merci.\n\n-----Message d'origine-----\nDe : Support\nold",
        "Merci.\n\nDe : Support <s@v.example>\nEnvoyé : lundi 2 mars 2026 10:00\nÀ : Claire\nold",
        "> old\nMerci.",
    ],
)
def test_quotes_of_french_and_english_clients(quoted):
    assert strip_quoted(quoted) == "Merci."


def test_subject_prefixes_and_tags_go():
    assert clean_subject("RE: TR: Fwd: [INC-2026-000001 #abcdefgh] Écran figé") == "Écran figé"
    assert clean_subject("Réf : imprimante") == "imprimante"
