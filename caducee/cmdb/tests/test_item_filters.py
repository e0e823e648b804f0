"""The item list's filter form: the choices a user may see, rendered as
Django would, each choice list read in one plain query."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from caducee.cmdb.filters import ConfigurationItemFilterSet
from caducee.core.widgets import QuickSelect, QuickSelectMultiple

pytestmark = pytest.mark.django_db


def test_filter_form_renders_as_before_with_one_query_per_choice_list(cmdb, make_user, ght):
    agent = make_user("service_desk_agent", establishments=[ght.a])
    request = RequestFactory().get("/")
    request.user = agent

    plain = ConfigurationItemFilterSet({}, request=request).form
    filterset = ConfigurationItemFilterSet({}, request=request)
    model_fields = [
        name for name, f in filterset.form.fields.items() if isinstance(f, forms.ModelChoiceField)
    ]
    assert isinstance(filterset.form.fields["site"].widget, QuickSelect)
    assert isinstance(filterset.form.fields["ci_type"].widget, QuickSelectMultiple)
    with CaptureQueriesContext(connection) as queries:
        html = str(filterset.form)
    assert html == str(plain)
    # Establishment, site, owner group, supplier, contract: one query each,
    # never a server-side cursor (DECLARE … FETCH … CLOSE on PostgreSQL).
    assert len(queries) == len(model_fields) == 5
    assert not [q for q in queries.captured_queries if q["sql"].startswith("DECLARE")]
    # The agent sees only its establishment's names.
    assert f">{ght.a}<" in html and f">{ght.b}<" not in html
    # Validation reuses nothing stale: a choice of another establishment is refused.
    foreign = ConfigurationItemFilterSet({"establishment": ght.b.pk}, request=request)
    assert not foreign.is_valid() and "establishment" in foreign.errors


@pytest.mark.postgresql
def test_postgresql_answers_the_free_text_search_from_its_trigram_index(cmdb):
    """The index of migration 0002 is built on the very expression the search
    filters on: if either drifts, PostgreSQL reads the whole table again."""
    from caducee.cmdb.models import ConfigurationItem

    filterset = ConfigurationItemFilterSet(
        {"q": "00-1A-2B srv"}, queryset=ConfigurationItem.objects.all()
    )
    with connection.cursor() as cursor:
        # A handful of rows: left to itself the planner reads them all (or
        # walks the name index). Forbid both, so only a usable index remains.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = filterset.qs.order_by().explain()
    assert "cmdb_ci_search_trgm" in plan, plan
