"""The impact tab of an item page: summary, care units, graph, lists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caducee.cmdb.graph_svg import render_impact_svg
from caducee.cmdb.models import LifecycleStatus, RelationKind
from caducee.cmdb.services.graph_scope import scope_impact
from caducee.cmdb.services.impact import analyse_impact
from caducee.cmdb.services.items import change_status
from caducee.cmdb.tests.conftest import make_item, relate
from caducee.cmdb.types import CIType
from caducee.core import roles

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def agent_a(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


def impact_page(client, user, item, query=""):
    client.force_login(user)
    return client.get(reverse("cmdb:configurationitem_impact", args=[item.pk]) + query)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314  (our own markup, checked to be well-formed)


def svg_of(html: str) -> ET.Element:
    match = re.search(r'<svg[^>]*class="impact-svg".*?</svg>', html, re.S)
    assert match, "no graph on the page"
    return parse(match.group(0))


def test_core_switch_tab_shows_the_life_critical_unit_first(client, cmdb, ght, agent_a):
    response = impact_page(client, agent_a, cmdb.core)
    assert response.status_code == 200
    html = response.content.decode()
    units = re.search(r'<table class="table table-compact impact-units">.*?</table>', html, re.S)
    rows = re.findall(r"<tr( class=\"impact-life-critical\")?>(.*?)</tr>", units.group(0), re.S)
    body = [(bool(marked), re.sub(r"<[^>]+>|\s+", " ", row).split()) for marked, row in rows[1:]]
    assert body[0][0] is True and "Life-critical" in body[0][1] and "Réanimation" in body[0][1]
    assert body[1][0] is False and "Médecine" in body[1][1]
    assert "Patient safety:" in html  # the ECG monitor behind the access switch
    for name in ("DPI", "Moniteur ECG rea-01", "pc-rea-01", "db-dpi"):
        assert name in html


def test_graph_is_accessible_svg_with_a_title_on_every_node(client, cmdb, agent_a):
    html = impact_page(client, agent_a, cmdb.core).content.decode()
    svg = svg_of(html)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.startswith("Impact of sw-core-a")
    assert "2 care units reached" in svg.find(f"{SVG}desc").text
    nodes = svg.iter(f"{SVG}g")
    titles = [node.find(f"{SVG}title").text for node in nodes]
    assert any(t.startswith("Moniteur ECG rea-01") and "patient-safety" in t for t in titles)
    assert any("Réanimation" in t and "Life-critical" in t for t in titles)
    assert len(list(svg.iter(f"{SVG}path"))) >= 9  # edges (and the arrow head)


def test_the_page_has_no_inline_script_or_style(client, cmdb, agent_a):
    html = impact_page(client, agent_a, cmdb.core).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html


def test_a_busy_level_is_summarised(cmdb, ght, admin_user, agent_a):
    for n in range(30):
        pc = make_item(admin_user, f"pc-extra-{n:02}", CIType.WORKSTATION, ght.a)
        relate(admin_user, pc, RelationKind.CONNECTED_TO, cmdb.access)
    result = analyse_impact([cmdb.core.pk])
    svg = parse(render_impact_svg(scope_impact(result, agent_a), title="t", per_layer=8))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "impact-label"]
    # Level 2 holds 34 items: the ECG monitor and the server first, then "+ 26 more".
    assert "+ 26 more" in labels
    assert "Moniteur ECG rea-01" in labels and "srv-dpi-01" in labels
    assert len(labels) <= 1 + 2 + 9 + 2 + 2  # root, level 1, level 2, level 3, units


def test_another_establishment_gets_a_404(client, cmdb, ght, make_user):
    agent_b = make_user(roles.DESK_AGENT, establishments=[ght.b])
    assert impact_page(client, agent_b, cmdb.core).status_code == 404


def test_shared_item_lists_only_what_the_reader_may_see(client, cmdb, ght, admin_user, make_user):
    mail = make_item(admin_user, "Messagerie", CIType.APPLICATION, None)
    relate(admin_user, mail, RelationKind.USED_BY, care_unit=ght.icu_a)
    relate(admin_user, mail, RelationKind.USED_BY, care_unit=ght.er_b)
    agent_b = make_user(roles.DESK_AGENT, establishments=[ght.b])
    html = impact_page(client, agent_b, mail).content.decode()
    assert "Urgences" in html and "Réanimation" not in html
    assert "1 item or care unit outside your establishments" in html
    # The figures still count the ICU: life-critical, 3 people.
    figures = re.search(r'<dl class="impact-figures">.*?</dl>', html, re.S).group(0)
    assert "Life-critical" in figures and "<dd>3</dd>" in figures


def test_the_out_of_service_checkbox_adds_what_is_already_down(client, cmdb, admin_user, agent_a):
    change_status(cmdb.ecg, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)
    plain = impact_page(client, agent_a, cmdb.phone).content.decode()
    assert "Patient safety:" not in plain
    assert "No care unit is reached" in plain
    checked = impact_page(client, agent_a, cmdb.phone, "?include_out_of_service=1").content.decode()
    assert "Patient safety:" in checked
    assert "Counted as down with it:" in checked and "Moniteur ECG rea-01" in checked
    assert "Réanimation" in checked


def test_an_isolated_item_says_so_and_draws_no_graph(client, cmdb, agent_a):
    html = impact_page(client, agent_a, cmdb.phone).content.decode()
    assert 'class="impact-svg"' not in html
    assert "No other item depends on this one." in html
    assert "This item depends on nothing recorded." in html


def test_workstation_tab_lists_its_switches_as_root_cause_candidates(client, cmdb, agent_a):
    html = impact_page(client, agent_a, cmdb.workstation).content.decode()
    upstream = re.search(r'id="impact-upstream".*?</section>', html, re.S).group(0)
    assert upstream.index("sw-acc-rea") < upstream.index("sw-core-a")


def test_the_tab_costs_the_same_queries_for_many_items(client, cmdb, ght, admin_user, agent_a):
    client.force_login(agent_a)
    url = reverse("cmdb:configurationitem_impact", args=[cmdb.core.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(url)
    before = queries()
    for n in range(20):
        pc = make_item(admin_user, f"pc-extra-{n:02}", CIType.WORKSTATION, ght.a)
        relate(admin_user, pc, RelationKind.CONNECTED_TO, cmdb.access)
        relate(admin_user, pc, RelationKind.USED_BY, care_unit=ght.ward_a)
    client.get(url)  # the graph changed: reloaded once
    assert queries() == before  # never one query per item or care unit
    assert before <= 20  # session, user, item, graph (4 in a test), units, names…


def test_deep_chains_and_many_roots_stay_bounded(cmdb, ght, admin_user, agent_a):
    server = make_item(
        admin_user, "srv-chain", CIType.SERVER, ght.a, attributes={"server_kind": "physical"}
    )
    previous = server
    for n in range(1, 7):
        app = make_item(admin_user, f"app-{n}", CIType.APPLICATION, ght.a)
        relate(admin_user, app, RelationKind.DEPENDS_ON, previous)
        previous = app
    result = analyse_impact([server.pk])
    svg = parse(render_impact_svg(scope_impact(result, agent_a), title="t", max_levels=4))
    columns = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "impact-col"]
    assert columns == ["Down", "Level 1", "Level 2", "Level 3", "Levels 4+"]
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "impact-label"]
    assert labels == ["srv-chain", "app-1", "app-2", "app-3", "app-4", "+ 2 more"]

    for item in (cmdb.printer, cmdb.phone, cmdb.database, cmdb.cluster):
        change_status(item, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)
    result = analyse_impact([cmdb.workstation.pk], include_out_of_service=True)
    svg = parse(render_impact_svg(scope_impact(result, agent_a), title="t", per_layer=2))
    nodes = [
        (g.find(f"{SVG}rect").get("x"), g.find(f"{SVG}text").text) for g in svg.iter(f"{SVG}g")
    ]
    root_x = next(x for x, label in nodes if label == "pc-rea-01")
    down = [label for x, label in nodes if x == root_x]
    assert down == ["pc-rea-01", "db-dpi", "+ 3 more"]  # the item asked about first
