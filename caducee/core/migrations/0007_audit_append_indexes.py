"""Fewer indexes on the audit trail, which is written far more than read.

Every ticket write appends several events, and each event pays for every
index of the table. Dropped: the indexes on ``event`` (searched by substring,
which a b-tree does not serve) and on ``object_type`` (the object-history
index ``(object_type, object_id, seq)`` starts with it), and, on PostgreSQL,
the ``varchar_pattern_ops`` twin Django adds to unique and indexed text
columns. The hash stays unique: on PostgreSQL its constraint is renamed (no
rebuild); SQLite keeps its inline UNIQUE. Done with plain statements rather
than Django's field alterations, which on SQLite would copy the whole table
four times.
"""

from django.db import migrations, models

FORWARDS = {
    "postgresql": [
        "DROP INDEX IF EXISTS core_auditevent_event_229bc88b",
        "DROP INDEX IF EXISTS core_auditevent_event_229bc88b_like",
        "DROP INDEX IF EXISTS core_auditevent_object_type_e0bee35e",
        "DROP INDEX IF EXISTS core_auditevent_object_type_e0bee35e_like",
        "DROP INDEX IF EXISTS core_auditevent_hash_f08202aa_like",
        "ALTER TABLE core_auditevent RENAME CONSTRAINT core_auditevent_hash_key"
        " TO core_auditevent_hash_unique",
    ],
    "sqlite": [
        "DROP INDEX IF EXISTS core_auditevent_event_229bc88b",
        "DROP INDEX IF EXISTS core_auditevent_object_type_e0bee35e",
    ],
}

BACKWARDS = {
    "postgresql": [
        "ALTER TABLE core_auditevent RENAME CONSTRAINT core_auditevent_hash_unique"
        " TO core_auditevent_hash_key",
        "CREATE INDEX core_auditevent_hash_f08202aa_like"
        " ON core_auditevent (hash varchar_pattern_ops)",
        "CREATE INDEX core_auditevent_event_229bc88b ON core_auditevent (event)",
        "CREATE INDEX core_auditevent_event_229bc88b_like"
        " ON core_auditevent (event varchar_pattern_ops)",
        "CREATE INDEX core_auditevent_object_type_e0bee35e ON core_auditevent (object_type)",
        "CREATE INDEX core_auditevent_object_type_e0bee35e_like"
        " ON core_auditevent (object_type varchar_pattern_ops)",
    ],
    "sqlite": [
        "CREATE INDEX core_auditevent_event_229bc88b ON core_auditevent (event)",
        "CREATE INDEX core_auditevent_object_type_e0bee35e ON core_auditevent (object_type)",
    ],
}


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0006_idempotencykey")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="event",
                    field=models.CharField(blank=True, max_length=64, verbose_name="event"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="hash",
                    field=models.CharField(max_length=64, verbose_name="hash"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_type",
                    field=models.CharField(blank=True, max_length=100, verbose_name="object type"),
                ),
                migrations.AddConstraint(
                    model_name="auditevent",
                    constraint=models.UniqueConstraint(
                        fields=("hash",), name="core_auditevent_hash_unique"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(run(FORWARDS), run(BACKWARDS))],
        )
    ]
