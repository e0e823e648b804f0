"""PostgreSQL connections bind parameters on the server and prepare the
statements they run often (settings, ``DATABASE_PREPARE_THRESHOLD``): a ticket
creation runs the same statements every time, and planning them again was a
tenth of it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from caducee.core.models import User


@pytest.mark.postgresql
def test_a_statement_run_often_is_prepared_on_its_connection(db):
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert threshold is not None

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements "
                "WHERE statement LIKE %s AND statement LIKE %s",
                ['%"core_user"%', "%prepared-probe%"],
            )
            return cursor.fetchone()[0]

    assert prepared() == 0
    for _ in range(threshold + 1):
        assert not User.objects.filter(username="prepared-probe").exists()
    # The literal is a bound parameter ($1), not part of the statement's text.
    assert prepared() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s "
            "AND statement LIKE %s",
            ['%FROM "core_user"%', '%"core_user"."username" = $%'],
        )
        assert cursor.fetchone()[0] >= 1
    # The same query with other values uses the same statement.
    assert not User.objects.filter(username="someone-else").exists()
