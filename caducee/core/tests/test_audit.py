"""The audit trail: every change recorded in the same transaction, chained,
and tampering caught by `caducee audit verify`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.core.services.audit import verify_chain
from caducee.org.models import Person

pytestmark = pytest.mark.django_db


def events_for(obj):
    return AuditEvent.objects.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
    ).order_by("seq")


def test_create_update_delete_are_recorded_with_actor_and_diff(ght, admin_user):
    person = ght.nurse_a
    created = events_for(person).first()
    assert created.action == "create"
    assert created.actor_label.startswith("root")
    assert created.establishment_id == ght.a.pk

    with acting_as(admin_user):
        person.phone = "0611223344"
        person.save()
    update = events_for(person).filter(action="update").last()
    assert update.changes == {"phone": ["0102030405", "0611223344"]}

    pk = person.pk
    with acting_as(admin_user):
        person.delete()
    deleted = AuditEvent.objects.filter(object_type="org.person", object_id=str(pk)).first()
    assert deleted.action == "delete"
    assert deleted.changes["last_name"][0] == "Martin"


def test_many_to_many_change_is_recorded(ght, admin_user):
    with acting_as(admin_user):
        ght.nurse_a.care_units.add(ght.ward_a)
    event = events_for(ght.nurse_a).filter(action="update").last()
    assert event.changes["care_units"] == [[ght.icu_a.pk], sorted([ght.icu_a.pk, ght.ward_a.pk])]


def test_save_without_change_writes_nothing(ght):
    before = AuditEvent.objects.count()
    person = Person.objects.get(pk=ght.nurse_a.pk)
    person.save()
    assert AuditEvent.objects.count() == before


def test_rolled_back_change_leaves_no_event(ght, admin_user):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), acting_as(admin_user):
        ght.nurse_a.phone = "0000000000"
        ght.nurse_a.save()
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_events_cannot_be_changed_through_the_application(ght):
    event = AuditEvent.objects.first()
    event.object_repr = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_a_large_append_is_written_in_pieces_and_still_one_chain(ght, admin_user):
    # An import records one event per row: more rows than one INSERT takes.
    from caducee.core.models.audit import AuditChainHead
    from caducee.core.services import audit

    people = [
        Person(establishment=ght.a, first_name=f"Prénom{i}", last_name="Import")
        for i in range(audit.INSERT_ROWS * 2 + 3)
    ]
    before = AuditEvent.objects.count()
    with acting_as(admin_user, source="import"), transaction.atomic():
        Person.objects.bulk_create(people)
        with audit.batch():
            written = audit.record_bulk_creation(people)
    assert written == len(people) == AuditEvent.objects.count() - before
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEvent.objects.order_by("-seq").first()
    assert (head.seq, head.hash) == (last.seq, last.hash)
    assert events_for(people[-1]).get().changes["first_name"] == [None, people[-1].first_name]
    assert verify_chain().ok
    # Events appended outside a batch come back saved, with their ids.
    event = audit.record_event("test.checked", people[0])
    assert event.pk == AuditEvent.objects.get(seq=event.seq).pk


def test_verify_command_accepts_an_intact_chain(ght, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def _disable_guard(cursor):
    if connection.vendor == "postgresql":
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER caducee_audit_append_only")


def test_modified_event_is_named(ght):
    target = AuditEvent.objects.order_by("seq")[3]
    with connection.cursor() as cursor:
        _disable_guard(cursor)
        cursor.execute(
            "UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["forged", target.pk]
        )
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == target.seq
    assert "modified" in result.problem
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("audit", "verify")


def test_deleted_event_is_named(ght):
    target = AuditEvent.objects.order_by("seq")[5]
    with connection.cursor() as cursor:
        _disable_guard(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == target.seq + 1
    assert "missing" in result.problem


def test_event_inserted_out_of_order_is_named(ght):
    last = AuditEvent.objects.order_by("-seq").first()
    fields = [f.column for f in AuditEvent._meta.concrete_fields if f.column != "id"]
    values = []
    for f in AuditEvent._meta.concrete_fields:
        if f.column == "id":
            continue
        value = f.get_db_prep_save(getattr(last, f.attname), connection)
        values.append(value)
    # A forged copy of the last event, pushed into the chain with a new seq
    # but the hash it claims reused from elsewhere.
    seq_index = fields.index("seq")
    hash_index = fields.index("hash")
    values[seq_index] = last.seq + 1
    values[hash_index] = "f" * 64
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        _disable_guard(cursor)
        cursor.execute(
            f"INSERT INTO core_auditevent ({', '.join(fields)}) VALUES ({placeholders})", values
        )
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == last.seq + 1


def test_events_cut_off_the_end_are_caught(ght):
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        _disable_guard(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    result = verify_chain()
    assert not result.ok
    assert "cut off" in result.problem


@pytest.mark.postgresql
def test_postgresql_trigger_refuses_update_and_delete(ght):
    from django.db import DatabaseError

    event = AuditEvent.objects.first()
    for sql in (
        "UPDATE core_auditevent SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert verify_chain().ok


def test_audit_search_by_object_type_ignores_case(ght, make_user, client):
    """The search matches the stored lower-case type whatever the auditor typed."""
    auditor = make_user("auditor", whole_ght=True)
    client.force_login(auditor)
    response = client.get(
        "/core/audit/", {"object_type": " Org.Person ", "object_id": ght.nurse_a.pk}
    )
    shown = list(response.context["page"].object_list)
    assert shown and all(event.object_type == "org.person" for event in shown)
    assert {event.object_id for event in shown} == {str(ght.nurse_a.pk)}
    other = client.get("/core/audit/", {"object_type": "desk.ticket", "object_id": ght.nurse_a.pk})
    assert list(other.context["page"].object_list) == []
