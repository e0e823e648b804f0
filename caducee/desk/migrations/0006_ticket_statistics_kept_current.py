"""PostgreSQL re-reads the ticket table's statistics every 1 % of changes.

The desk's reads are about recent tickets: the queues' "open, newest
first", "similar open tickets of the last 30 days" beside each ticket. The
planner only knows the dates it sampled at its last ANALYZE, and by default
autovacuum analyses a table after 10 % of its rows changed: at GHT scale
(750,000 tickets, 6,000 a month each written several times) that is every
six weeks or so, and meanwhile it believes no ticket is younger than the
sample. Measured on the ght bench database: "similar tickets" took 15.8 ms
with stale statistics (it walked every recent open ticket) and 0.5 ms after
an ANALYZE (it starts from the ticket's items). At 1 % (about 7,500 changes,
a few days), an ANALYZE of the table costs well under a second.

SQLite has no automatic statistics to tune; nothing is done there.
"""

from django.db import migrations

TABLES = ("desk_ticket", "desk_ticket_configuration_items")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} SET (autovacuum_analyze_scale_factor = 0.01)"  # noqa: S608
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (autovacuum_analyze_scale_factor)")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("desk", "0005_ticket_queue_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
