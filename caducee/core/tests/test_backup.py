"""Backup and restore bring the database back exactly as it was, audit chain
included, on SQLite (online backup API) and PostgreSQL (pg_dump/pg_restore).

These tests run in both passes of scripts/test-all. They need real commits
(``transaction=True``): a backup sees only committed data, and a restore
replaces the whole database.
"""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.core.services import backup
from caducee.core.services.audit import verify_chain
from caducee.org.models import CareUnit, Person

pytestmark = pytest.mark.django_db(transaction=True)


def _require_pg_tools() -> None:
    if connection.vendor != "postgresql":
        return
    from caducee.core.testing.services import require

    try:
        backup.find_pg_tool("pg_dump")
        backup.find_pg_tool("pg_restore")
        available = True
    except backup.BackupError:
        available = False
    require(available, "pg_dump and pg_restore (postgresql-client)")


def test_restore_brings_back_the_state_of_the_backup(ght, admin_user, tmp_path, capsys):
    _require_pg_tools()
    target = tmp_path / "before.bak"
    events_at_backup = AuditEvent.objects.count()
    call_command("backup", "--output", str(target))
    assert str(target) in capsys.readouterr().out
    # Written after the snapshot: the backup does not contain it.
    assert AuditEvent.objects.order_by("-seq").first().event == "backup.created"

    nurse_pk, doctor_pk, unit_pk = ght.nurse_a.pk, ght.doctor_a.pk, ght.admin_a.pk
    with acting_as(admin_user):
        nurse = Person.objects.get(pk=nurse_pk)
        nurse.phone = "0699999999"
        nurse.save()
        Person.objects.get(pk=doctor_pk).delete()
        CareUnit.objects.get(pk=unit_pk).delete()
        newcomer = Person.objects.create(establishment=ght.a, first_name="Léa", last_name="Neuve")
    assert not Person.objects.filter(pk=doctor_pk).exists()

    call_command("restore", str(target), "--yes")
    assert "restored" in capsys.readouterr().out

    assert Person.objects.get(pk=nurse_pk).phone == "0102030405"
    doctor = Person.objects.get(pk=doctor_pk)
    assert doctor.rpps == "10001234567"
    assert set(doctor.care_units.values_list("pk", flat=True)) == {ght.icu_a.pk, ght.ward_a.pk}
    assert CareUnit.objects.get(pk=unit_pk).name == "Admissions"
    assert not Person.objects.filter(pk=newcomer.pk).exists()
    assert not Person.objects.filter(last_name="Neuve").exists()

    # The chain is the backup's, plus the restore event written afterwards.
    assert AuditEvent.objects.count() == events_at_backup + 1
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.event == "backup.restored"
    assert last.data["path"] == str(target)
    assert last.data["size"] == target.stat().st_size
    assert last.data["vendor"] == connection.vendor
    assert verify_chain().ok

    # The application works normally on the restored database.
    with acting_as(admin_user):
        Person.objects.create(establishment=ght.a, first_name="Après", last_name="Restauration")
    assert verify_chain().ok


def test_backup_goes_to_the_backup_dir_private_and_audited(ght, tmp_path):
    _require_pg_tools()
    backup_dir = tmp_path / "backups"
    with override_settings(CADUCEE_BACKUP_DIR=backup_dir):
        result = backup.create_backup()
    extension = "sqlite3" if connection.vendor == "sqlite" else "dump"
    assert result.path.parent == backup_dir
    assert result.path.name.startswith(f"caducee-{connection.vendor}-")
    assert result.path.suffix == f".{extension}"
    assert result.size == result.path.stat().st_size > 0
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.event == "backup.created"
    assert event.data == {
        "path": str(result.path),
        "size": result.size,
        "vendor": connection.vendor,
    }
    assert verify_chain().ok


@pytest.mark.sqlite
def test_sqlite_backup_is_one_self_contained_sound_file(ght, tmp_path):
    result = backup.create_backup(tmp_path / "x.sqlite3")
    copy = sqlite3.connect(f"file:{result.path}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        phone = copy.execute("SELECT phone FROM org_person WHERE id = ?", [ght.nurse_a.pk])
        assert phone.fetchone()[0] == "0102030405"
    finally:
        copy.close()


def test_existing_file_is_never_overwritten(ght, tmp_path):
    target = tmp_path / "taken.bak"
    target.write_bytes(b"precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(target))
    assert target.read_bytes() == b"precious"


def test_restore_requires_yes(ght, tmp_path, admin_user):
    _require_pg_tools()
    target = backup.create_backup(tmp_path / "b.bak").path
    with acting_as(admin_user):
        ght.nurse_a.phone = "0600000000"
        ght.nurse_a.save()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))
    assert Person.objects.get(pk=ght.nurse_a.pk).phone == "0600000000"


def test_restore_refuses_a_file_that_is_not_a_caducee_backup(ght, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    foreign = tmp_path / "other.sqlite3"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="neither"):
        call_command("restore", str(text), "--yes")
    # On SQLite: not a Caducée database; on PostgreSQL: the wrong kind of backup.
    with pytest.raises(CommandError, match=r"not a Caducée database|is a sqlite backup"):
        call_command("restore", str(foreign), "--yes")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.bak"), "--yes")
    assert AuditEvent.objects.count() == events
    assert Person.objects.filter(pk=ght.nurse_a.pk).exists()


@pytest.mark.sqlite
def test_corrupt_sqlite_backup_is_refused_before_anything_is_touched(ght, tmp_path):
    good = backup.create_backup(tmp_path / "good.sqlite3").path
    data = bytearray(good.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over every page but the first (the schema root): a valid header
    # but broken b-trees.
    for offset in range(page_size, len(data), page_size):
        data[offset : offset + 64] = b"\xff" * 64
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(bytes(data))
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"integrity_check|not a readable SQLite database"):
        call_command("restore", str(bad), "--yes")
    assert AuditEvent.objects.count() == events
    assert Person.objects.get(pk=ght.nurse_a.pk).phone == "0102030405"


@pytest.mark.postgresql
def test_postgresql_restore_keeps_the_append_only_trigger(ght, tmp_path):
    _require_pg_tools()
    target = backup.create_backup(tmp_path / "pg.dump").path
    assert target.read_bytes()[:5] == b"PGDMP"
    backup.restore_backup(target)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'caducee_audit_append_only' "
            "AND tgrelid = 'core_auditevent'::regclass"
        )
        assert cursor.fetchall() == [("O",)]
    event = AuditEvent.objects.order_by("seq").first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert verify_chain().ok


# --- PostgreSQL tooling (no database needed) -----------------------------------


def test_password_goes_to_the_environment_never_the_command_line():
    args, env = backup.pg_connection_args(
        {
            "NAME": "caducee",
            "USER": "app",
            "PASSWORD": "hunter2-secret",
            "HOST": "db.example.org",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "verify-full"},
        }
    )
    assert args == [
        "--host",
        "db.example.org",
        "--port",
        "5433",
        "--username",
        "app",
        "--dbname",
        "caducee",
    ]
    assert not any("hunter2" in arg for arg in args)
    assert env["PGPASSWORD"] == "hunter2-secret"
    assert env["PGSSLMODE"] == "verify-full"


def _fake_tool(path):
    path.parent.mkdir(parents=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)


def test_newest_postgresql_tools_are_chosen(tmp_path, monkeypatch):
    for version in ("9.6", "15", "16"):
        _fake_tool(tmp_path / version / "bin" / "pg_dump")
    monkeypatch.setattr(backup, "PG_BIN_GLOB", str(tmp_path / "*" / "bin"))
    assert backup.find_pg_tool("pg_dump") == str(tmp_path / "16" / "bin" / "pg_dump")


def test_missing_postgresql_tool_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "PG_BIN_GLOB", str(tmp_path / "none" / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError, match=r"pg_restore not found.*postgresql-client"):
        backup.find_pg_tool("pg_restore")
    _fake_tool(tmp_path / "onpath" / "pg_restore")
    monkeypatch.setenv("PATH", os.pathsep.join([str(tmp_path), str(tmp_path / "onpath")]))
    assert backup.find_pg_tool("pg_restore") == str(tmp_path / "onpath" / "pg_restore")
