"""The org pages as a user sees them: every list, detail and history page
renders; bad input is shown next to its field and saves nothing; a change
shows up in the History tab; protected deletes explain themselves; htmx gets
the partial; the person list stays within a query budget; pages are labelled
and served under a strict Content-Security-Policy."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.org.models import (
    Building,
    CareUnit,
    Establishment,
    Floor,
    HospitalGroup,
    Job,
    Person,
    Pole,
    Room,
    Service,
    ShiftDefinition,
    Site,
    Team,
)

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


MODELS = [
    HospitalGroup,
    Establishment,
    Site,
    Building,
    Floor,
    Room,
    Pole,
    Service,
    CareUnit,
    ShiftDefinition,
    Job,
    Person,
    Team,
]


@pytest.fixture
def full_ght(ght, admin_user):
    """The small GHT plus a pole, a service and a team, so every model has a row."""
    with acting_as(admin_user, source="test"):
        pole = Pole.objects.create(establishment=ght.a, code="P1", name="Pôle critique")
        Service.objects.create(establishment=ght.a, pole=pole, code="S1", name="Réanimation")
        team = Team.objects.create(code="desk", name="Service desk", establishment=ght.a)
        team.members.set([ght.nurse_a])
    return ght


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def name(model, action):
    return f"org:{model._meta.model_name}_{action}"


def field_block(html: str, field_name: str) -> str:
    """The ``.field`` wrapper that holds the input named ``field_name``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if f'name="{field_name}"' in block:
            return block
    raise AssertionError(f"no field {field_name}")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_list_pages_render_with_filters_sort_and_pagination(admin_client, full_ght, model):
    url = reverse(name(model, "list"))
    response = admin_client.get(url)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == model.objects.count() > 0
    column = next(c.name for c in table.columns if c.orderable)
    response = admin_client.get(url, {"sort": f"-{column}", "per_page": 25, "page": 1, "q": "a"})
    assert response.status_code == 200
    assert response.context["per_page"] == 25


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_detail_and_history_tabs_render(admin_client, full_ght, model):
    obj = model.objects.order_by("pk").first()
    detail = admin_client.get(reverse(name(model, "detail"), args=[obj.pk]))
    assert detail.status_code == 200
    history_url = reverse(name(model, "history"), args=[obj.pk])
    assert history_url in detail.content.decode()
    history = admin_client.get(history_url)
    assert history.status_code == 200
    assert history.context["page"].paginator.count >= 1  # at least its creation


def test_detail_page_lists_related_records(admin_client, ght):
    response = admin_client.get(reverse("org:careunit_detail", args=[ght.icu_a.pk]))
    html = response.content.decode()
    people = html[html.index("<h2>People") :]
    assert f'href="{ght.nurse_a.get_absolute_url()}"' in people
    assert f'href="{ght.doctor_a.get_absolute_url()}"' in people


def test_invalid_edit_shows_the_error_next_to_the_field(admin_client, ght):
    url = reverse("org:person_edit", args=[ght.doctor_a.pk])
    form = admin_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(care_units=[u.pk for u in ght.doctor_a.care_units.all()], rpps="1234")
    data.pop("id", None)
    response = admin_client.post(url, data, headers=EN)
    assert response.status_code == 400
    block = field_block(response.content.decode(), "rpps")
    assert "An RPPS number has exactly 11 digits." in block
    assert Person.objects.get(pk=ght.doctor_a.pk).rpps == "10001234567"


def test_invalid_create_shows_model_rule_errors_and_saves_nothing(admin_client, ght):
    response = admin_client.post(
        reverse("org:person_add"),
        {
            "establishment": ght.a.pk,
            "first_name": "Jeanne",
            "last_name": "Leroy",
            "job": ght.nurse_job.pk,
            "rpps": "10001234568",
            "active_from": "2024-05-01",
            "active_to": "2024-01-01",
        },
        headers=EN,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only health professionals have an RPPS number." in field_block(html, "rpps")
    assert "The end date is before the start date." in field_block(html, "active_to")
    assert not Person.objects.filter(last_name="Leroy").exists()


def test_invalid_finess_on_the_establishment_form(admin_client, ght):
    response = admin_client.post(
        reverse("org:establishment_add"),
        {"group": ght.group.pk, "finess": "750712185", "name": "CH Faux", "kind": "ch"},
        headers=EN,
    )
    assert response.status_code == 400
    assert "check key is wrong" in field_block(response.content.decode(), "finess")
    assert not Establishment.objects.filter(name="CH Faux").exists()


def test_valid_edit_redirects_and_shows_in_history(admin_client, ght):
    url = reverse("org:person_edit", args=[ght.nurse_a.pk])
    form = admin_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(care_units=[ght.icu_a.pk], phone="0611223344")
    data.pop("id", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert response.url == ght.nurse_a.get_absolute_url()
    history = admin_client.get(reverse("org:person_history", args=[ght.nurse_a.pk]))
    html = history.content.decode()
    row = re.search(r"<tr><td>phone</td><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert row and row.groups() == ("0102030405", "0611223344")


def test_deleting_a_protected_establishment_explains_why(admin_client, ght):
    response = admin_client.post(reverse("org:establishment_delete", args=[ght.a.pk]), headers=EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Still in use by other records" in html and "sites" in html
    assert Establishment.objects.filter(pk=ght.a.pk).exists()


def test_deleting_an_unused_record_redirects_to_the_list(admin_client, ght):
    response = admin_client.post(reverse("org:careunit_delete", args=[ght.admin_a.pk]))
    assert response.status_code == 302
    assert response.url == reverse("org:careunit_list")
    assert not CareUnit.objects.filter(pk=ght.admin_a.pk).exists()


def test_htmx_request_gets_only_the_results_partial(admin_client, ght):
    response = admin_client.get(
        reverse("org:person_list"),
        {"q": "martin"},
        headers={"hx-request": "true", "hx-target": "results"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="results"' in html
    assert "Martin" in html and "Durand" not in html


def test_person_list_query_count_is_bounded(
    client, ght, admin_user, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(roles.DESK_AGENT, establishments=[ght.a]))
    with acting_as(admin_user, source="test"):
        for index in range(30):
            person = Person.objects.create(
                establishment=ght.a,
                first_name=f"Agent{index}",
                last_name=f"Nom{index:02d}",
                job=ght.nurse_job,
            )
            person.care_units.set([ght.icu_a, ght.ward_a])
    url = reverse("org:person_list")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.context["table"].paginator.count == 32  # A's, not B's clerk
    second = client.get(url, {"per_page": 25, "page": 2})
    assert len(second.context["table"].page.object_list) == 7
    assert 'rel="prev"' in second.content.decode()


def test_language_switch(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("org:person_list")}
    )
    assert response.status_code == 302
    assert response.url == reverse("org:person_list")
    page = client.get(reverse("org:person_list"))
    assert '<html lang="en">' in page.content.decode()
    assert "Filters" in page.content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Filtres" in client.get(reverse("org:person_list")).content.decode()


def test_csp_forbids_inline_scripts(admin_client, ght):
    response = admin_client.get(reverse("org:person_list"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy
    html = response.content.decode()
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            self.controls.append(attrs)


@pytest.mark.parametrize(
    "url_name", ["org:person_edit", "org:person_list", "org:establishment_edit"]
)
def test_every_form_field_has_a_label(admin_client, ght, url_name):
    args = [] if url_name.endswith("_list") else [ght.nurse_a.pk]
    if url_name == "org:establishment_edit":
        args = [ght.a.pk]
    parser = _Fields()
    parser.feed(admin_client.get(reverse(url_name, args=args)).content.decode())
    assert parser.controls
    unlabelled = [c.get("name") for c in parser.controls if c.get("id") not in parser.labels]
    assert unlabelled == []


def test_adding_needs_the_permission(client, ght, make_user):
    client.force_login(make_user(roles.DESK_AGENT, establishments=[ght.a]))
    assert client.get(reverse("org:person_add")).status_code == 200
    assert client.get(reverse("org:establishment_add")).status_code == 403
    assert client.get(reverse("org:job_edit", args=[ght.nurse_job.pk])).status_code == 404
