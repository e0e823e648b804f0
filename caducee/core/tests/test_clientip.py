"""Behind a trusted reverse proxy the audit trail records the client's
address from X-Forwarded-For; from anywhere else the header is ignored."""

import pytest
from django.test import RequestFactory, override_settings

from caducee.core.clientip import client_ip
from caducee.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def request(remote, forwarded=None):
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_header_ignored_without_a_trusted_proxy():
    assert client_ip(request("203.0.113.9", "10.9.9.9")) == "203.0.113.9"


@override_settings(CADUCEE_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_trusted_proxy_chain_gives_the_first_untrusted_address():
    assert client_ip(request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    # A client that forges the header only adds addresses on the left.
    assert client_ip(request("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.1.1")) == "198.51.100.7"
    assert client_ip(request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


@override_settings(CADUCEE_TRUSTED_PROXIES=["127.0.0.1"])
def test_audit_event_records_the_forwarded_address(client, make_user, ght):
    user = make_user("service_desk_agent", establishments=[ght.a])
    response = client.post(
        "/login/",
        {"username": user.username, "password": "correct-horse-battery"},
        REMOTE_ADDR="127.0.0.1",
        headers={"x-forwarded-for": "198.51.100.7"},
    )
    assert response.status_code == 302
    login = AuditEvent.objects.filter(event="user.login").latest("seq")
    assert login.client_ip == "198.51.100.7"
