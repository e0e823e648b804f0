"""A user of establishment A cannot read or change B's records, through the UI
or the API: B's rows answer 404 (their existence does not leak), and they are
absent from counts, filter choices, searches and exports.

Decision for users whose role has no permission at all on a model (a vendor
engineer on people): the list page and the API list both answer 403. It tells
nothing about any row, and it is the same answer in both places.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from caducee.core import roles
from caducee.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_a(ght, make_user):
    """A level-1 service desk agent of CH de Valmont (A)."""
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def manager_a(ght, make_user):
    """An IT department manager limited to A: every org permission, A only."""
    return make_user(roles.DSI_MANAGER, establishments=[ght.a])


def logged_in(client, user):
    client.force_login(user)
    return client


def people_url(**query):
    url = reverse("org:person_list")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


# --- UI ----------------------------------------------------------------------
def test_person_list_shows_only_own_establishment(client, ght, agent_a):
    response = logged_in(client, agent_a).get(people_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Martin" in html and "Durand" in html
    assert "Bernard" not in html
    assert response.context["table"].paginator.count == 2


def test_foreign_person_pages_are_not_found(client, ght, agent_a):
    client = logged_in(client, agent_a)
    pk = ght.clerk_b.pk
    for name in ("detail", "edit", "history", "delete"):
        response = client.get(reverse(f"org:person_{name}", args=[pk]))
        assert response.status_code == 404, name


def test_posting_an_edit_to_a_foreign_person_changes_nothing(client, ght, agent_a):
    response = logged_in(client, agent_a).post(
        reverse("org:person_edit", args=[ght.clerk_b.pk]),
        {"establishment": ght.b.pk, "first_name": "Hacked", "last_name": "Bernard"},
    )
    assert response.status_code == 404
    assert Person.objects.get(pk=ght.clerk_b.pk).first_name == "Inès"


def test_deleting_a_foreign_person_is_not_found_even_with_the_permission(client, ght, manager_a):
    client = logged_in(client, manager_a)
    url = reverse("org:person_delete", args=[ght.clerk_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Person.objects.filter(pk=ght.clerk_b.pk).exists()


def test_filter_choices_do_not_offer_the_foreign_establishment(client, ght, agent_a):
    response = logged_in(client, agent_a).get(people_url())
    form = response.context["filterset"].form
    establishments = list(form.fields["establishment"].queryset)
    units = list(form.fields["care_unit"].queryset)
    assert establishments == [ght.a]
    assert ght.er_b not in units and ght.icu_a in units
    html = response.content.decode()
    assert "Trois-Rivières" not in html and "Urgences" not in html


def test_filtering_on_the_foreign_establishment_shows_nothing(client, ght, agent_a):
    response = logged_in(client, agent_a).get(people_url(establishment=ght.b.pk))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0
    assert "Bernard" not in response.content.decode()


def test_searching_a_foreign_name_finds_nothing(client, ght, agent_a):
    response = logged_in(client, agent_a).get(people_url(q="Bernard"))
    assert response.context["table"].paginator.count == 0
    response = client.get(people_url(q="ines.bernard"))
    assert response.context["table"].paginator.count == 0


def test_exports_contain_no_foreign_row(client, ght, agent_a):
    client = logged_in(client, agent_a)
    response = client.get(people_url(export="csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3  # header + A's two people
    assert "Bernard" not in text

    response = client.get(people_url(export="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert sheet.max_row == 3
    assert "Bernard" not in values


def test_ui_form_does_not_accept_the_foreign_establishment(client, ght, agent_a):
    response = logged_in(client, agent_a).post(
        reverse("org:person_add"),
        {"establishment": ght.b.pk, "first_name": "Jean", "last_name": "Intrus"},
    )
    assert response.status_code == 400
    assert "establishment" in response.context["form"].errors
    assert not Person.objects.filter(last_name="Intrus").exists()
    html = response.content.decode()
    assert "Trois-Rivières" not in html


def test_related_counts_leave_out_foreign_people(client, ght, agent_a, admin_user):
    # A's nurse manages B's clerk: A's agent must not see the report, nor count it.
    from caducee.core.context import acting_as

    with acting_as(admin_user):
        ght.clerk_b.manager = ght.nurse_a
        ght.clerk_b.save()
    response = logged_in(client, agent_a).get(reverse("org:person_detail", args=[ght.nurse_a.pk]))
    reports = response.context["related"][0]
    assert reports["count"] == 0
    assert "Bernard" not in response.content.decode()


def test_whole_ght_manager_sees_both_establishments(client, ght, make_user):
    manager = make_user(roles.DSI_MANAGER, whole_ght=True)
    response = logged_in(client, manager).get(people_url())
    assert response.context["table"].paginator.count == 3
    assert client.get(reverse("org:person_detail", args=[ght.clerk_b.pk])).status_code == 200


def test_vendor_engineer_is_refused_the_people_list(client, ght, make_user):
    vendor = make_user(roles.VENDOR_ENGINEER, establishments=[ght.a])
    client = logged_in(client, vendor)
    assert client.get(people_url()).status_code == 403
    assert client.get(people_url(export="csv")).status_code == 403
    assert client.get(reverse("org:person_detail", args=[ght.nurse_a.pk])).status_code == 404


def test_requester_sees_only_what_the_role_grants(client, ght, make_user):
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    client = logged_in(client, requester)
    units = client.get(reverse("org:careunit_list"))
    assert units.status_code == 200
    assert units.context["table"].paginator.count == 3  # A's three units, not B's ER
    assert client.get(reverse("org:careunit_detail", args=[ght.er_b.pk])).status_code == 404
    assert client.get(people_url()).status_code == 403
    assert client.get(reverse("org:careunit_edit", args=[ght.icu_a.pk])).status_code == 404
    assert client.get(reverse("org:careunit_add")).status_code == 403


# --- API -----------------------------------------------------------------------
def api_url(pk=None):
    return reverse("person-detail", args=[pk]) if pk else reverse("person-list")


def assert_error(response, status):
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] and error["message"]
    return error


def test_api_list_excludes_foreign_people(client, ght, agent_a):
    body = logged_in(client, agent_a).get(api_url()).json()
    assert body["count"] == 2
    assert {row["last_name"] for row in body["results"]} == {"Martin", "Durand"}


def test_api_foreign_person_is_not_found(client, ght, agent_a):
    client = logged_in(client, agent_a)
    url = api_url(ght.clerk_b.pk)
    assert_error(client.get(url), 404)
    assert_error(client.patch(url, {"first_name": "Hacked"}, content_type="application/json"), 404)
    assert_error(client.get(reverse("person-history", args=[ght.clerk_b.pk])), 404)
    assert Person.objects.get(pk=ght.clerk_b.pk).first_name == "Inès"


def test_api_delete_of_foreign_person(client, ght, agent_a, manager_a):
    url = api_url(ght.clerk_b.pk)
    # The agent may delete nobody: the same 403 for every id, so nothing leaks.
    assert_error(logged_in(client, agent_a).delete(url), 403)
    # A manager of A may delete people, but B's are out of reach.
    assert_error(logged_in(client, manager_a).delete(url), 404)
    assert Person.objects.filter(pk=ght.clerk_b.pk).exists()


def test_api_filter_on_foreign_establishment_is_refused(client, ght, agent_a):
    response = logged_in(client, agent_a).get(api_url() + f"?establishment={ght.b.pk}")
    error = assert_error(response, 400)
    assert "establishment" in error["fields"]
    assert "Trois" not in response.content.decode()
    body = client.get(api_url() + f"?care_unit={ght.er_b.pk}")
    assert body.status_code == 400
    body = client.get(api_url() + "?q=Bernard").json()
    assert body["count"] == 0


def test_api_create_in_foreign_establishment_is_refused(client, ght, agent_a):
    response = logged_in(client, agent_a).post(
        api_url(),
        {"establishment": ght.b.pk, "first_name": "Jean", "last_name": "Intrus"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    error = assert_error(response, 400)
    assert "does not exist" in " ".join(error["fields"]["establishment"])
    assert not Person.objects.filter(last_name="Intrus").exists()


def test_api_create_with_foreign_care_unit_is_refused(client, ght, agent_a):
    response = logged_in(client, agent_a).post(
        api_url(),
        {
            "establishment": ght.a.pk,
            "first_name": "Jean",
            "last_name": "Intrus",
            "care_units": [ght.er_b.pk],
        },
        content_type="application/json",
    )
    error = assert_error(response, 400)
    assert "care_units" in error["fields"]


def test_api_whole_ght_manager_sees_both(client, ght, make_user):
    manager = make_user(roles.DSI_MANAGER, whole_ght=True)
    assert logged_in(client, manager).get(api_url()).json()["count"] == 3


def test_api_vendor_engineer_is_refused(client, ght, make_user):
    vendor = make_user(roles.VENDOR_ENGINEER, establishments=[ght.a])
    client = logged_in(client, vendor)
    assert_error(client.get(api_url()), 403)
    assert_error(client.get(reverse("careunit-list")), 403)


def test_api_requester_reads_units_not_people(client, ght, make_user):
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    client = logged_in(client, requester)
    assert client.get(reverse("careunit-list")).json()["count"] == 3
    assert_error(client.get(api_url()), 403)
    assert_error(
        client.patch(
            reverse("careunit-detail", args=[ght.icu_a.pk]),
            {"name": "X"},
            content_type="application/json",
        ),
        403,
    )
