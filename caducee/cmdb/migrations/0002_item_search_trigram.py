"""On PostgreSQL, a trigram index for the item list's free-text search.

The search is ``UPPER(search_text) LIKE UPPER('%word%')`` on the searched
columns joined (``cmdb.models.items.search_text``); a b-tree cannot answer a
``LIKE`` that starts with ``%``, a ``pg_trgm`` GIN index on the very same
expression can (about 0.5 ms for a hostname among 25,000 items, instead of
reading them all). ``test_item_filters`` checks on PostgreSQL that the
search's query still matches this index.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (version 13 and
later): the database owner may create it. Where it cannot be created, the
search still works, without the index; the migration says so and goes on.
SQLite has no such index and searches by reading the table.
"""

import logging

from django.db import DatabaseError, migrations, transaction

INDEX = "cmdb_ci_search_trgm"

log = logging.getLogger("caducee.migrations")


#: The searched columns when this index was made. Frozen here, as migrations
#: are: if ``cmdb.models.items.search_text`` changes, a new migration rebuilds
#: the index (``test_item_filters`` fails until it does).
FIELDS = (
    "name",
    "hostname",
    "serial_number",
    "asset_tag",
    "manufacturer",
    "model",
    "ip_address",
    "mac_address",
)


def _expression_sql(schema_editor, model) -> str:
    """``UPPER(<searched columns joined>)`` as the list's query compiles it."""
    from django.db import models
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Upper
    from django.db.models.sql import Query

    parts: list = []
    for name in FIELDS:
        parts += [F(name), Value(" ")]
    joined = Concat(*parts[:-1], output_field=models.TextField())
    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = Upper(joined).resolve_expression(query).as_sql(compiler, schema_editor.connection)
    return sql % tuple(schema_editor.quote_value(p) for p in params)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    item = apps.get_model("cmdb", "ConfigurationItem")
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            # Written out: Django's OpClass() mis-parenthesises a Concat().
            schema_editor.execute(
                f"CREATE INDEX {INDEX} ON {item._meta.db_table} "
                f"USING gin (({_expression_sql(schema_editor, item)}) gin_trgm_ops)"
            )
    except DatabaseError as exc:
        log.warning(
            "free-text search of items left without its trigram index "
            "(CREATE EXTENSION pg_trgm refused: %s); it works, more slowly",
            exc,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cmdb", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
