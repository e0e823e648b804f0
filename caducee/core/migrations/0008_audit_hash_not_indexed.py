"""The audit hash loses its unique index (see ``AuditEvent.Meta``).

Nothing reads an event by its hash; the chain is verified by walking
``seq``. A unique index on SHA-256 values puts each new entry on a random
page of an index that only grows, which measured 1.3 ms of the 2.7 ms a
ticket creation's audit append took on PostgreSQL (ght + 750k tickets).

PostgreSQL drops the constraint in place. SQLite cannot drop an inline
UNIQUE, so the table is rebuilt once from the model as it now stands, which
also leaves it with exactly the model's indexes.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE core_auditevent DROP CONSTRAINT IF EXISTS core_auditevent_hash_unique"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor._remake_table(apps.get_model("core", "AuditEvent"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE core_auditevent ADD CONSTRAINT core_auditevent_hash_unique UNIQUE (hash)"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_append_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="auditevent", name="core_auditevent_hash_unique"
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
