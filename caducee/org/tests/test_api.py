"""The org API as a script or another application uses it: token or session
authentication, field-level errors in the one error format, history,
pagination, the shared FilterSets, the OpenAPI schema and rate limits."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from caducee.core import roles
from caducee.core.services.tokens import create_token, revoke_token
from caducee.org.models import Establishment, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_a(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def agent_token(agent_a):
    _token, key = create_token(actor=agent_a, name="script")
    return key


def auth(key):
    return {"authorization": f"Token {key}"}


def assert_error(response, status):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] and error["message"]
    assert isinstance(error["fields"], dict)
    return error


# --- Authentication ----------------------------------------------------------
def test_token_authenticates_a_script(client, agent_token):
    response = client.get(reverse("person-list"), headers=auth(agent_token))
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_anonymous_call_is_refused(client, ght):
    response = client.get(reverse("person-list"))
    assert assert_error(response, 401)["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_unknown_token_is_refused(client, ght):
    error = assert_error(client.get(reverse("person-list"), headers=auth("nope")), 401)
    assert error["code"] == "authentication_failed"


def test_revoked_token_is_refused(client, agent_a):
    token, key = create_token(actor=agent_a, name="old script")
    revoke_token(token, actor=agent_a)
    assert_error(client.get(reverse("person-list"), headers=auth(key)), 401)


def test_session_authentication_works(client, agent_a):
    client.force_login(agent_a)
    assert client.get(reverse("person-list")).json()["count"] == 2


# --- Validation ----------------------------------------------------------------
def test_bad_finess_is_a_field_error(client, ght, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("establishment-list"),
        {"group": ght.group.pk, "finess": "750712185", "name": "CH Faux"},
        content_type="application/json",
    )
    error = assert_error(response, 400)
    assert error["code"] == "invalid"
    assert error["fields"]["finess"]
    assert not Establishment.objects.filter(name="CH Faux").exists()


def test_duplicate_finess_written_with_spaces_is_a_field_error(client, ght, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("establishment-list"),
        {"group": ght.group.pk, "finess": "75 071 218 4", "name": "CH Doublon"},
        content_type="application/json",
    )
    # A's FINESS once normalised: a clear 400 on the field, not a 500.
    assert assert_error(response, 400)["fields"]["finess"]
    assert not Establishment.objects.filter(name="CH Doublon").exists()


def test_bad_rpps_is_a_field_error(client, ght, agent_token):
    response = client.patch(
        reverse("person-detail", args=[ght.doctor_a.pk]),
        {"rpps": "1234"},
        content_type="application/json",
        headers=auth(agent_token),
    )
    assert assert_error(response, 400)["fields"]["rpps"]
    response = client.patch(
        reverse("person-detail", args=[ght.nurse_a.pk]),
        {"rpps": "10001234568"},  # well-formed, but a nurse holds no RPPS
        content_type="application/json",
        headers=auth(agent_token),
    )
    assert assert_error(response, 400)["fields"]["rpps"]
    assert Person.objects.get(pk=ght.nurse_a.pk).rpps == ""


def test_protected_delete_is_a_conflict(client, ght, admin_user):
    client.force_login(admin_user)
    error = assert_error(client.delete(reverse("establishment-detail", args=[ght.a.pk])), 409)
    assert error["code"] == "protected"
    assert Establishment.objects.filter(pk=ght.a.pk).exists()


# --- History, pagination, filters --------------------------------------------
def test_patch_shows_in_history_with_before_and_after(client, ght, agent_token):
    url = reverse("person-detail", args=[ght.nurse_a.pk])
    response = client.patch(
        url, {"phone": "0611223344"}, content_type="application/json", headers=auth(agent_token)
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "0611223344"
    history = client.get(
        reverse("person-history", args=[ght.nurse_a.pk]), headers=auth(agent_token)
    ).json()
    latest = history["results"][0]
    assert latest["action"] == "update"
    assert latest["changes"] == {"phone": ["0102030405", "0611223344"]}
    assert latest["actor_label"].startswith("service_desk_agent")
    assert latest["source"] == "api"


def test_list_is_paginated(client, ght, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("shiftdefinition-list") + "?page_size=4").json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 6 and len(body["results"]) == 4
    assert body["next"]
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None


def test_filters_are_the_ui_filters(client, ght, agent_token):
    url = reverse("person-list")
    body = client.get(url + "?q=martin", headers=auth(agent_token)).json()
    assert [p["last_name"] for p in body["results"]] == ["Martin"]
    body = client.get(url + f"?care_unit={ght.ward_a.pk}", headers=auth(agent_token)).json()
    assert [p["last_name"] for p in body["results"]] == ["Durand"]
    body = client.get(url + f"?care_unit={ght.icu_a.pk}", headers=auth(agent_token)).json()
    assert body["count"] == 2


# --- Schema and documentation -------------------------------------------------
def test_openapi_schema_and_docs(client, ght, admin_user):
    client.force_login(admin_user)
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/org/people/" in schema.content
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    assert scripts, "the documentation page loads its scripts"
    assert all("src=" in tag for tag in scripts), scripts


# --- Audit events ---------------------------------------------------------------
def test_auditor_reads_the_audit_trail_agent_does_not(client, ght, make_user, agent_a):
    auditor = make_user(roles.AUDITOR, establishments=[ght.a])
    client.force_login(auditor)
    body = client.get(reverse("auditevent-list")).json()
    assert body["count"] > 0
    assert {e["establishment_id"] for e in body["results"]} == {ght.a.pk}
    client.force_login(agent_a)
    assert_error(client.get(reverse("auditevent-list")), 403)


# --- Rate limit ----------------------------------------------------------------
def test_rate_limit_answers_429_in_the_error_format(client, agent_token):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min"}}
    cache.clear()
    try:
        with override_settings(REST_FRAMEWORK=rest):
            for _ in range(3):
                response = client.get(reverse("person-list"), headers=auth(agent_token))
                assert response.status_code == 200
            response = client.get(reverse("person-list"), headers=auth(agent_token))
            assert assert_error(response, 429)["code"] == "throttled"
            assert int(response.headers["Retry-After"]) > 0
    finally:
        cache.clear()
