"""Priority from clinical impact: the impact mapping (examples and its
monotonic property), the matrix (seeded, editable, read), the CMDB's answer
for the ticket's items, the care unit without items, patient safety, and
agents' overrides."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.desk.models import (
    DEFAULT_MATRIX,
    Impact,
    ImpactSource,
    PriorityMatrixCell,
    Ticket,
    TicketKind,
    Urgency,
)
from caducee.desk.services.priority import (
    MANY_PEOPLE,
    compute_priority,
    impact_level,
    load_matrix,
    matrix_priority,
    set_matrix_cell,
    with_unit_criticality,
)
from caducee.desk.services.tickets import (
    clear_priority_override,
    override_priority,
    set_items,
    update_ticket,
)
from caducee.org.models import Criticality, Person

LEVELS = [None, *Criticality.values]  # None: no care unit reached


# --- the impact mapping (pure) -----------------------------------------------------------
@pytest.mark.parametrize(
    ("criticality", "people", "impact"),
    [
        (Criticality.LIFE_CRITICAL, 1, Impact.CRITICAL),
        (Criticality.LIFE_CRITICAL, 5000, Impact.CRITICAL),
        (Criticality.HIGH, 1, Impact.HIGH),
        (Criticality.HIGH, MANY_PEOPLE - 1, Impact.HIGH),
        (Criticality.HIGH, MANY_PEOPLE, Impact.CRITICAL),
        (Criticality.MEDIUM, 10, Impact.MEDIUM),
        (Criticality.MEDIUM, MANY_PEOPLE, Impact.HIGH),
        (Criticality.LOW, 3, Impact.LOW),
        (Criticality.LOW, MANY_PEOPLE, Impact.MEDIUM),
        (None, 0, Impact.LOW),
    ],
    ids=lambda v: str(v),
)
def test_impact_mapping_examples(criticality, people, impact):
    assert impact_level(criticality, people) == impact


@given(
    st.sampled_from(LEVELS),
    st.sampled_from(LEVELS),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_reaching_more_or_more_critical_never_lowers_the_impact(c1, c2, p1, p2):
    rank = {c: i for i, c in enumerate(LEVELS)}
    (low_c, high_c) = sorted((c1, c2), key=rank.__getitem__)
    (few, many) = sorted((p1, p2))
    lesser, greater = impact_level(low_c, few), impact_level(high_c, many)
    # Impact 1 is the most serious: "more" must give a number no larger.
    assert greater <= lesser
    assert impact_level(high_c, few) <= lesser
    assert impact_level(low_c, many) <= lesser
    assert Impact.CRITICAL <= greater <= lesser <= Impact.LOW


# --- the matrix ---------------------------------------------------------------------------
def test_default_matrix_is_complete_and_monotonic():
    assert set(DEFAULT_MATRIX) == {(i, u) for i in Impact.values for u in Urgency.values}
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        assert priority in Priority.values
        if impact < 4:
            assert DEFAULT_MATRIX[(impact + 1, urgency)] >= priority
        if urgency < 4:
            assert DEFAULT_MATRIX[(impact, urgency + 1)] >= priority
    assert DEFAULT_MATRIX[(1, 1)] == Priority.P1 and DEFAULT_MATRIX[(4, 4)] == Priority.P5


def test_the_migration_seeds_the_default_matrix():
    migration = importlib.import_module("caducee.desk.migrations.0002_default_priority_matrix")
    assert migration.MATRIX == DEFAULT_MATRIX


@pytest.mark.django_db
def test_matrix_lookup_reads_the_table_and_falls_back_to_the_default(admin_user):
    PriorityMatrixCell.objects.all().delete()
    assert load_matrix() == DEFAULT_MATRIX
    events = AuditEvent.objects.count()
    assert matrix_priority(Impact.MEDIUM, Urgency.MEDIUM) == Priority.P3
    set_matrix_cell(actor=admin_user, impact=3, urgency=3, priority=2)
    assert matrix_priority(Impact.MEDIUM, Urgency.MEDIUM) == Priority.P2
    set_matrix_cell(actor=admin_user, impact=3, urgency=3, priority=4)
    assert PriorityMatrixCell.objects.get(impact=3, urgency=3).priority == 4
    cell_events = AuditEvent.objects.filter(object_type="desk.prioritymatrixcell").order_by("-seq")
    assert [e.action for e in cell_events[:2]] == ["update", "create"]
    assert AuditEvent.objects.count() == events + 2
    with pytest.raises(DomainError):
        matrix_priority(0, 3)


@pytest.mark.django_db
def test_only_the_whole_ght_may_change_the_matrix(ght, make_user):
    local = make_user(roles.DSI_MANAGER, establishments=[ght.a])
    agent = make_user(roles.DESK_AGENT, whole_ght=True)
    for actor in (local, agent):
        with pytest.raises(PermissionDenied):
            set_matrix_cell(actor=actor, impact=1, urgency=1, priority=2)
    manager = make_user(roles.DSI_MANAGER, whole_ght=True)
    assert set_matrix_cell(actor=manager, impact=1, urgency=1, priority=2).priority == 2


# --- a ticket's priority -----------------------------------------------------------------
@pytest.mark.django_db
def test_ecg_monitor_reported_down_is_p1_whatever_the_matrix(new_ticket, cmdb):
    ticket = new_ticket(items=[cmdb.ecg], urgency=Urgency.LOW, title="Scope muet")
    assert (ticket.priority, ticket.computed_priority) == (Priority.P1, Priority.P1)
    assert ticket.patient_safety is True
    assert DEFAULT_MATRIX[(ticket.impact, Urgency.LOW)] > Priority.P1  # the matrix alone: less


@pytest.mark.django_db
def test_an_item_taking_the_ecg_monitor_down_is_p1_too(new_ticket, cmdb):
    ticket = new_ticket(items=[cmdb.access], urgency=Urgency.LOW, title="Switch réa HS")
    assert ticket.priority == Priority.P1 and ticket.patient_safety


@pytest.mark.django_db
def test_a_request_on_the_ecg_monitor_is_no_outage(new_ticket, ght, cmdb):
    request = new_ticket(
        kind=TicketKind.REQUEST, items=[cmdb.ecg], urgency=Urgency.LOW, title="Déplacer le scope"
    )
    assert request.patient_safety is False
    assert request.impact_source == ImpactSource.REQUESTER  # the nurse's ICU
    assert request.priority == DEFAULT_MATRIX[(Impact.CRITICAL, Urgency.LOW)]


@pytest.mark.django_db
def test_core_switch_reaching_intensive_care_is_impact_1(new_ticket, ght, cmdb):
    accountant = Person.objects.create(establishment=ght.a, first_name="Léa", last_name="Comptable")
    accountant.care_units.set([ght.admin_a])
    ticket = new_ticket(items=[cmdb.core], requester=accountant, urgency=Urgency.MEDIUM)
    assert ticket.impact == Impact.CRITICAL
    assert ticket.impact_source == ImpactSource.CMDB
    assessment = compute_priority(ticket)
    assert assessment.highest_criticality == Criticality.LIFE_CRITICAL
    assert assessment.people >= 2  # the nurse and the doctor of the units reached


@pytest.mark.django_db
def test_without_items_an_administration_requester_is_low_impact(new_ticket, ght, admin_user):
    with acting_as(admin_user):
        clerk = Person.objects.create(establishment=ght.a, first_name="Marc", last_name="Blanc")
        clerk.care_units.set([ght.admin_a])
    ticket = new_ticket(requester=clerk, urgency=Urgency.HIGH, title="Pas de son")
    assert (ticket.impact, ticket.impact_source) == (Impact.LOW, ImpactSource.REQUESTER)
    assert ticket.priority == DEFAULT_MATRIX[(Impact.LOW, Urgency.HIGH)] == Priority.P3


@pytest.mark.django_db
def test_the_tickets_care_unit_comes_before_the_requesters(new_ticket, ght):
    # The doctor works in ICU and the ward; the call is about the ward.
    ticket = new_ticket(requester=ght.doctor_a, care_unit=ght.ward_a)
    assert (ticket.impact, ticket.impact_source) == (Impact.HIGH, ImpactSource.CARE_UNIT)
    ticket = new_ticket(requester=ght.doctor_a)
    assert (ticket.impact, ticket.impact_source) == (Impact.CRITICAL, ImpactSource.REQUESTER)


@pytest.mark.django_db
def test_a_requester_read_with_their_unit_gives_the_same_priority_without_a_query(
    ght, admin_user, django_assert_num_queries
):
    # The API reads the requester with their most critical active unit
    # (one query for both); the priority must be the one the plain read gives.
    with acting_as(admin_user):
        retired = Person.objects.create(establishment=ght.a, first_name="Ana", last_name="Ancien")
        retired.care_units.set([ght.icu_a])
    ght.icu_a.is_active = False
    ght.icu_a.save()
    cases = [ght.doctor_a, ght.nurse_a, retired]  # ICU and ward; ICU; a closed unit only
    compute_priority(Ticket(kind=TicketKind.INCIDENT, urgency=Urgency.MEDIUM))  # the matrix
    for person in cases:
        read = with_unit_criticality(Person.objects.all()).get(pk=person.pk)
        plain = Person.objects.get(pk=person.pk)
        ticket = Ticket(kind=TicketKind.INCIDENT, requester=read, urgency=Urgency.MEDIUM)
        with django_assert_num_queries(0):
            kept = compute_priority(ticket)
        ticket.requester = plain
        assert kept == compute_priority(ticket)
    assert kept.source == ImpactSource.NONE  # the closed unit does not count


@pytest.mark.django_db
def test_qualifying_a_call_with_an_item_never_lowers_its_priority(new_ticket, ght, cmdb):
    # The ICU printer is used by no unit in the CMDB; the ICU nurse's unit still counts.
    bare = new_ticket(title="Imprimante réa")
    qualified = new_ticket(items=[cmdb.printer], title="Imprimante réa")
    assert qualified.impact == bare.impact == Impact.CRITICAL
    assert qualified.priority == bare.priority


@pytest.mark.django_db
def test_changing_items_recomputes_the_priority(new_ticket, desk, cmdb):
    ticket = new_ticket(items=[cmdb.printer], care_unit=None, requester=None, channel="monitoring")
    assert (ticket.impact, ticket.priority) == (Impact.LOW, Priority.P4)
    ticket = set_items(ticket, actor=desk.agent, items=[cmdb.ehr])
    assert ticket.impact == Impact.CRITICAL and ticket.priority == Priority.P2
    ticket = set_items(ticket, actor=desk.agent, items=[cmdb.ecg])
    assert ticket.priority == Priority.P1
    events = AuditEvent.objects.filter(object_type="desk.ticket", object_id=str(ticket.pk))
    items_changes = [
        e.changes["configuration_items"]
        for e in events.order_by("seq")
        if "configuration_items" in e.changes
    ]
    assert items_changes[-1] == [[cmdb.ehr.pk], [cmdb.ecg.pk]]


@pytest.mark.django_db
def test_changing_urgency_recomputes_but_a_title_does_not(new_ticket, desk, cmdb):
    ticket = new_ticket(items=[cmdb.ehr], urgency=Urgency.LOW)
    assert ticket.priority == DEFAULT_MATRIX[(Impact.CRITICAL, Urgency.LOW)]
    ticket = update_ticket(ticket, actor=desk.agent, changes={"urgency": Urgency.CRITICAL})
    assert ticket.priority == Priority.P1
    PriorityMatrixCell.objects.filter(impact=1, urgency=1).update(priority=3)
    ticket = update_ticket(ticket, actor=desk.agent, changes={"title": "DPI lent"})
    assert ticket.priority == Priority.P1  # no silent change: the title is no input


# --- overrides -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_override_needs_a_reason(new_ticket, desk):
    ticket = new_ticket()
    for reason in ("", "   "):
        with pytest.raises(DomainError) as exc:
            override_priority(ticket, actor=desk.agent, priority=1, reason=reason)
        assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        override_priority(ticket, actor=desk.agent, priority=9, reason="Direction")
    assert exc.value.field == "priority"
    assert not Ticket.objects.get(pk=ticket.pk).priority_overridden


@pytest.mark.django_db
def test_an_override_is_audited_and_sticks_when_items_change(new_ticket, desk, cmdb):
    ticket = new_ticket(items=[cmdb.printer], requester=None, channel="monitoring")
    computed = ticket.priority
    ticket = override_priority(
        ticket, actor=desk.agent, priority=Priority.P3, reason="Bloc opératoire en attente"
    )
    assert (ticket.priority, ticket.computed_priority) == (Priority.P3, computed)
    assert ticket.priority_override_reason == "Bloc opératoire en attente"
    assert ticket.priority_overridden_by == desk.agent and ticket.priority_overridden_at
    event = AuditEvent.objects.get(event="desk.priority_overridden")
    assert event.data == {
        "from": computed,
        "to": 3,
        "computed": computed,
        "reason": "Bloc opératoire en attente",
    }
    assert event.actor_id == desk.agent.pk

    ticket = set_items(ticket, actor=desk.agent, items=[cmdb.ehr])
    assert ticket.priority == Priority.P3  # the override sticks…
    assert ticket.computed_priority == DEFAULT_MATRIX[(Impact.CRITICAL, Urgency.MEDIUM)] == 2

    ticket = clear_priority_override(ticket, actor=desk.agent)  # …until it is cleared
    assert ticket.priority == ticket.computed_priority
    assert not ticket.priority_overridden and ticket.priority_override_reason == ""
    assert AuditEvent.objects.get(event="desk.priority_override_cleared").data == {
        "from": 3,
        "to": 2,
    }


@pytest.mark.django_db
def test_patient_safety_found_later_lifts_an_override(new_ticket, desk, cmdb):
    ticket = new_ticket(items=[cmdb.printer])
    ticket = override_priority(ticket, actor=desk.agent, priority=4, reason="Imprimante de secours")
    ticket = set_items(ticket, actor=desk.agent, items=[cmdb.printer, cmdb.ecg])
    assert (ticket.priority, ticket.priority_overridden) == (Priority.P1, False)
    assert AuditEvent.objects.get(event="desk.priority_override_lifted").data["to"] == 1
    # An override made knowing the patient-safety item is down stays.
    ticket = override_priority(ticket, actor=desk.agent, priority=3, reason="Scope remplacé")
    ticket = set_items(ticket, actor=desk.agent, items=[cmdb.ecg])
    assert (ticket.priority, ticket.priority_overridden) == (Priority.P3, True)
