"""Fixtures of the comment, attachment and timeline tests: Claire Martin
(the ICU nurse of the small GHT) with an account of her own, her incident
assigned to Alice of the Valmont desk, uploads kept in a temporary folder.

Import with ``from caducee.desk.tests.comment_data import *``.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.services.lifecycle import assign

__all__ = ["PDF", "PNG", "claire", "media", "nurse_ticket", "upload"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(tmp_path):
    """Uploads go to a folder of the test's own."""
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield tmp_path / "media"


@pytest.fixture
def claire(ght, make_user, admin_user):
    """The ICU nurse's own account: a requester of establishment A."""
    user = make_user(roles.REQUESTER, establishments=[ght.a], username="claire")
    with acting_as(admin_user, source="test"):
        ght.nurse_a.user = user
        ght.nurse_a.save()
    return user


@pytest.fixture
def nurse_ticket(new_ticket, desk, claire):
    """Claire's incident, assigned to Alice of the Valmont desk."""
    ticket = new_ticket(title="Le pousse-seringue ne se connecte plus")
    return assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)
