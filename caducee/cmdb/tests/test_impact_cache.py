"""The in-memory graph: loaded in a few queries, reused while nothing
changes, reloaded when any process publishes a change, never kept when the
change is rolled back. Committed transactions are needed to see the
publication, hence ``transaction=True``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from caducee.cmdb.models import LifecycleStatus, Relation, RelationKind
from caducee.cmdb.services import graph as graph_module
from caducee.cmdb.services.graph import VERSION_KEY, get_graph, invalidate_graph, load_graph
from caducee.cmdb.services.impact import analyse_impact
from caducee.cmdb.services.items import change_status, create_relation, update_item

pytestmark = pytest.mark.django_db(transaction=True)


def affected(item):
    return {node.id for node in analyse_impact([item.pk]).affected}


def test_the_graph_loads_in_four_queries_and_is_reused(cmdb, django_assert_num_queries):
    with django_assert_num_queries(4):
        load_graph()
    first = get_graph()
    with django_assert_num_queries(0):
        assert get_graph() is first
        analyse_impact([cmdb.core.pk])


def test_another_process_publishing_a_change_makes_this_one_reload(cmdb):
    first = get_graph()
    cache.set(VERSION_KEY, "published-by-the-worker")
    assert get_graph() is not first
    cache.delete(VERSION_KEY)  # evicted: a new token, a reload, never a stale match
    second = get_graph()
    assert second.token not in (first.token, "published-by-the-worker")


def test_a_committed_relation_publishes_a_new_version(cmdb, admin_user):
    before = get_graph().token
    create_relation(
        Relation(source=cmdb.phone, kind=RelationKind.CONNECTED_TO, target=cmdb.access),
        actor=admin_user,
    )
    assert cache.get(VERSION_KEY) != before
    assert cmdb.phone.pk in affected(cmdb.access)


def test_routine_edits_keep_the_graph_and_status_changes_replace_it(cmdb, admin_user):
    token = get_graph().token
    cmdb.workstation.hostname = "pc-rea-01-renamed"
    cmdb.workstation.notes = "inventoried this morning"
    update_item(cmdb.workstation, actor=admin_user)
    assert cache.get(VERSION_KEY) == token  # an inventory run does not reload 100k relations

    change_status(cmdb.access, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)
    assert cache.get(VERSION_KEY) != token
    assert get_graph().out_of_service == (cmdb.access.pk,)


def test_writes_without_signals_are_seen_after_invalidate_graph(cmdb):
    assert cmdb.ehr.pk in affected(cmdb.database)
    Relation.objects.filter(source=cmdb.ehr, target=cmdb.database).update(
        kind=RelationKind.BACKED_UP_BY
    )
    assert cmdb.ehr.pk in affected(cmdb.database)  # the cached graph: bulk writers must say so
    invalidate_graph()
    assert cmdb.ehr.pk not in affected(cmdb.database)


def test_a_rolled_back_change_leaves_no_trace(cmdb, admin_user):
    token = get_graph().token
    with transaction.atomic():
        create_relation(
            Relation(source=cmdb.phone, kind=RelationKind.CONNECTED_TO, target=cmdb.access),
            actor=admin_user,
        )
        assert cmdb.phone.pk in affected(cmdb.access)  # its own change, inside
        assert cache.get(VERSION_KEY) == token  # not published before commit
        transaction.set_rollback(True)
    assert cache.get(VERSION_KEY) == token
    assert cmdb.phone.pk not in affected(cmdb.access)


def test_a_rolled_back_savepoint_keeps_the_outer_change_pending(cmdb, admin_user):
    with transaction.atomic():
        create_relation(
            Relation(source=cmdb.phone, kind=RelationKind.CONNECTED_TO, target=cmdb.access),
            actor=admin_user,
        )
        with transaction.atomic():
            change_status(cmdb.core, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)
            transaction.set_rollback(True)
        # The outer change is still uncommitted: still read privately.
        assert graph_module._snapshot.pending()
        assert cmdb.phone.pk in affected(cmdb.access)
    assert cmdb.phone.pk in affected(cmdb.access)
    assert get_graph().out_of_service == ()


def test_people_counts_follow_the_calendar(cmdb, ght, admin_user, monkeypatch):
    ght.doctor_a.active_to = timezone.localdate() + dt.timedelta(days=1)
    ght.doctor_a.save()
    assert analyse_impact([cmdb.ehr.pk]).people == 2
    later = timezone.localdate() + dt.timedelta(days=2)
    monkeypatch.setattr(graph_module.timezone, "localdate", lambda: later)
    assert analyse_impact([cmdb.ehr.pk]).people == 1  # the doctor's contract ended
