"""The HTTP endpoint as agents see it: the FusionInventory PROLOG/INVENTORY
dialogue, the GLPI Agent JSON protocol, authentication, and 4xx (never 5xx)
for anything malformed, oversized or unauthenticated."""

from __future__ import annotations

import base64
import gzip
import json
import random
import zlib
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from caducee.cmdb.models import ConfigurationItem
from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.tokens import create_token, revoke_token

DATA = Path(__file__).parent / "data"
WINDOWS_XML = (DATA / "fusioninventory-windows-workstation.xml").read_bytes()
LINUX_JSON = (DATA / "glpi-agent-linux-vm.json").read_bytes()
PROLOG = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST>\n  <DEVICEID>PC-REA-07-2023-09-04-10-45-12'
    b"</DEVICEID>\n  <QUERY>PROLOG</QUERY>\n  <TOKEN>12345678</TOKEN>\n</REQUEST>\n"
)
URL = "/cmdb/inventory/"


def basic(key: str, user: str = "agent") -> str:
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


@pytest.fixture
def agent(make_user, ght):
    return make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a], username="inventory-agent")


@pytest.fixture
def key(agent) -> str:
    return create_token(actor=agent, name="FusionInventory")[1]


def post(
    client, body: bytes, auth: str | None, content_type="application/x-compress-zlib", **extra
):
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(URL, data=body, content_type=content_type, **headers, **extra)


def test_url_is_named_and_works_without_its_slash(client, key):
    assert reverse("cmdb:inventory") == URL
    response = client.post(
        URL.rstrip("/"),
        data=zlib.compress(PROLOG),
        content_type="application/x-compress-zlib",
        HTTP_AUTHORIZATION=basic(key),
    )
    assert response.status_code == 200


def test_unauthenticated_agent_gets_a_basic_challenge(client, db):
    response = post(client, zlib.compress(PROLOG), None)
    assert response.status_code == 401
    # The exact form FusionInventory's HTTP client parses: ^Basic realm="(.*)"
    assert response["WWW-Authenticate"] == 'Basic realm="caducee-inventory"'
    assert b"<ERROR>" in response.content


@pytest.mark.parametrize(
    "auth",
    ["Basic !!!notbase64", basic("cdc_wrong"), "Token cdc_wrong", "Bearer", "Digest abc"],
)
def test_bad_credentials_are_401(client, db, auth):
    response = post(client, zlib.compress(PROLOG), auth)
    assert response.status_code == 401
    assert response.has_header("WWW-Authenticate")


def test_revoked_token_is_401(client, agent, key):
    token = agent.api_tokens.get()
    revoke_token(token, actor=agent)
    assert post(client, zlib.compress(PROLOG), basic(key)).status_code == 401


def test_user_without_permission_is_403(client, make_user, ght):
    auditor = make_user(roles.AUDITOR, establishments=[ght.a])
    _token, auditor_key = create_token(actor=auditor, name="wrong account")
    response = post(client, zlib.compress(PROLOG), basic(auditor_key))
    assert response.status_code == 403
    assert b"may not add and change" in response.content


@pytest.mark.parametrize(
    ("packer", "magic", "content_type"),
    [
        (zlib.compress, b"\x78\x9c", "application/x-compress-zlib"),
        (gzip.compress, b"\x1f\x8b\x08", "application/x-compress-gzip"),
        (bytes, b"<?xml", "application/xml"),
    ],
)
def test_prolog_is_answered_send_compressed_like_the_request(
    client, key, packer, magic, content_type
):
    response = post(client, packer(PROLOG), basic(key), content_type=content_type)
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert response["Content-Type"] == content_type
    reply = response.content
    if magic != b"<?xml":
        reply = zlib.decompress(reply, 47)  # zlib or gzip header
    assert b"<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>" in reply


def test_fusioninventory_inventory_creates_then_updates(client, ght, agent, key):
    response = post(client, zlib.compress(WINDOWS_XML), basic(key))
    assert response.status_code == 200, response.content
    assert zlib.decompress(response.content).strip().endswith(b"<REPLY></REPLY>")
    item = ConfigurationItem.objects.get(hostname="pc-rea-07")
    assert item.establishment == ght.a  # the tag is A's FINESS; also the token's only one
    assert item.installed_software.count() == 8
    assert post(client, zlib.compress(WINDOWS_XML), basic(key)).status_code == 200
    assert ConfigurationItem.objects.filter(hostname="pc-rea-07").count() == 1
    events = AuditEvent.objects.filter(event="cmdb.inventory", object_id=str(item.pk))
    assert events.count() == 2
    assert {e.source for e in events} == {"inventory"}
    assert {e.actor_id for e in events} == {agent.pk}
    assert events.first().data["deviceid"] == "PC-REA-07-2023-09-04-10-45-12"


def test_glpi_agent_contact_then_json_inventory(client, ght, key):
    agent_id = "3a609a2e-947f-4e6a-9af9-32c024ac3944"
    contact = {
        "action": "contact",
        "deviceid": "srv-pacs-02.valmont.local-2024-02-11-09-30-01",
        "name": "GLPI-Agent",
        "version": "1.7.1",
        "installed-tasks": ["inventory", "deploy", "collect", "netdiscovery"],
    }
    response = client.post(
        URL,
        data=json.dumps(contact),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
        HTTP_GLPI_AGENT_ID=agent_id,
        HTTP_GLPI_REQUEST_ID="42E6A9AF1",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["GLPI-Agent-ID"] == agent_id
    assert response["GLPI-Request-ID"] == "42E6A9AF1"
    reply = response.json()
    assert reply["status"] == "ok" and reply["expiration"] == 24
    assert "inventory" in reply["tasks"]
    assert reply["disabled"] == ["collect", "deploy", "netdiscovery"]

    response = client.post(
        URL,
        data=zlib.compress(LINUX_JSON),
        content_type="application/x-compress-zlib",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_GLPI_AGENT_ID=agent_id,
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/x-compress-zlib"
    assert json.loads(zlib.decompress(response.content)) == {"status": "ok", "expiration": 24}
    server = ConfigurationItem.objects.get(hostname="srv-pacs-02")
    assert server.ci_type == "server" and server.attributes["server_kind"] == "virtual"


def test_glpi_agent_xml_prolog_is_answered_in_the_json_protocol(client, key):
    response = post(
        client,
        zlib.compress(PROLOG),
        basic(key),
        HTTP_GLPI_AGENT_ID="3a609a2e-947f-4e6a-9af9-32c024ac3944",
    )
    assert response.status_code == 200
    assert json.loads(zlib.decompress(response.content))["status"] == "ok"


def test_establishment_parameter_out_of_scope_is_403(client, ght, key):
    response = client.post(
        URL + "?establishment=330781196",
        data=zlib.compress(WINDOWS_XML),
        content_type="application/x-compress-zlib",
        HTTP_AUTHORIZATION=basic(key),
    )
    assert response.status_code == 403
    assert not ConfigurationItem.objects.filter(hostname="pc-rea-07").exists()


def test_unknown_establishment_parameter_is_400(client, ght, key):
    response = client.post(
        URL + "?establishment=nowhere",
        data=LINUX_JSON,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert "nowhere" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"", "application/xml", b"no body"),
        (zlib.compress(WINDOWS_XML)[:-30], "application/x-compress-zlib", b"truncated"),
        (b"\x1f\x8b\x08" + b"\x00" * 40, "application/x-compress-gzip", b"corrupt"),
        (zlib.compress(b"<REQUEST><QUERY>PROLOG"), "application/x-compress-zlib", b"Malformed XML"),
        (
            b"<REQUEST><DEVICEID>x</DEVICEID><QUERY>GETPARAMS</QUERY></REQUEST>",
            "application/xml",
            b"Unknown QUERY",
        ),
        (b"<REQUEST><QUERY>INVENTORY</QUERY><CONTENT/></REQUEST>", "application/xml", b"DEVICEID"),
        (
            b"<REQUEST><DEVICEID>x</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>",
            "application/xml",
            b"CONTENT",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<REQUEST><DEVICEID>&x;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>",
            "application/xml",
            b"document type",
        ),
    ],
)
def test_malformed_payloads_are_400_with_a_message(client, key, body, content_type, expected):
    response = post(client, body, basic(key), content_type=content_type)
    assert response.status_code == 400
    assert response.content.startswith(b"<?xml")
    assert b"<REPLY><ERROR>" in response.content and expected in response.content


def test_malformed_json_is_400_in_json(client, key):
    response = client.post(
        URL,
        data=b'{"deviceid": ',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
        HTTP_GLPI_AGENT_ID="3a609a2e-947f-4e6a-9af9-32c024ac3944",
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert "Malformed JSON" in response.json()["message"]


@override_settings(CADUCEE_INVENTORY_MAX_BYTES=50_000)
def test_oversized_payloads_are_413(client, key):
    too_big = WINDOWS_XML + b"<!--" + b"x" * 60_000 + b"-->"
    assert post(client, too_big, basic(key), content_type="application/xml").status_code == 413
    bomb = zlib.compress(b" " * 5_000_000, 9)
    assert len(bomb) < 50_000
    response = post(client, bomb, basic(key))
    assert response.status_code == 413
    assert b"inflates" in response.content


def test_get_is_not_allowed(client, db):
    assert client.get(URL).status_code == 405


def test_fuzzed_payloads_never_cause_a_server_error(client, key):
    rng = random.Random(20250314)
    packed = zlib.compress(WINDOWS_XML)
    samples = []
    for _ in range(30):
        mutated = bytearray(packed)
        for _flip in range(rng.randint(1, 8)):
            mutated[rng.randrange(2, len(mutated))] = rng.randrange(256)
        samples.append(bytes(mutated))
    for _ in range(20):
        plain = bytearray(WINDOWS_XML)
        start = rng.randrange(len(plain))
        del plain[start : start + rng.randint(1, 200)]
        samples.append(bytes(plain))
    for _ in range(10):
        document = json.loads(LINUX_JSON)
        section = rng.choice(list(document["content"]))
        document["content"][section] = rng.choice([None, 7, "x", [], {}, [None], {"a": [1]}])
        samples.append(json.dumps(document).encode())
    statuses = {post(client, sample, basic(key)).status_code for sample in samples}
    assert statuses <= {200, 400}, statuses
