"""On PostgreSQL, refuse UPDATE and DELETE on the audit trail at the database
level, so that even SQL run outside the application cannot quietly rewrite it
(TRUNCATE stays possible for test databases and restores; the hash chain and
its head still reveal it). SQLite relies on the application guard and the
chain verification."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION caducee_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'core_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS caducee_audit_append_only ON core_auditevent;
CREATE TRIGGER caducee_audit_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION caducee_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS caducee_audit_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS caducee_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
