"""Saved queue filters: names unique per owner, shared or private, deleted
by their owner only, audited, listed beside the queues."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.desk.models import SavedFilter
from caducee.desk.services.saved_filters import (
    delete_filter,
    filters_for,
    normalise_query,
    save_filter,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("desk:queue")
SAVE = reverse("desk:savedfilter_add")


def test_a_name_is_unique_per_owner_not_across_owners(desk):
    save_filter(actor=desk.agent, name="P1 du jour", query="queue=all&priority=1")
    with pytest.raises(DomainError) as duplicate:
        save_filter(actor=desk.agent, name="p1 du jour", query="queue=mine")
    assert duplicate.value.field == "name" and duplicate.value.code == "duplicate"
    other = save_filter(actor=desk.engineer, name="P1 du jour", query="queue=mine")
    assert other.owner == desk.engineer


def test_the_query_keeps_only_the_filters_parameters(desk):
    saved = save_filter(
        actor=desk.agent,
        name="Réseau",
        query="?queue=groups&page=3&evil=1&q=&priority=1&priority=2",
    )
    assert saved.query == "priority=1&priority=2&queue=groups"
    assert normalise_query("page=2") == ""


def test_saving_and_deleting_are_audited(desk):
    saved = save_filter(actor=desk.agent, name="Mes P1", query="queue=mine&priority=1")
    created = AuditEvent.objects.get(object_type="desk.savedfilter", object_id=str(saved.pk))
    assert created.action == "create" and created.actor_id == desk.agent.pk
    pk = saved.pk
    delete_filter(saved, actor=desk.agent)
    assert not SavedFilter.objects.filter(pk=pk).exists()
    deleted = AuditEvent.objects.filter(
        object_type="desk.savedfilter", object_id=str(pk), action="delete"
    )
    assert deleted.count() == 1


def test_only_the_owner_deletes(desk):
    saved = save_filter(actor=desk.agent, name="Partagé", query="queue=all", shared=True)
    with pytest.raises(PermissionDenied):
        delete_filter(saved, actor=desk.engineer)
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_shared_filters_are_listed_for_colleagues_private_ones_are_not(desk, ght, make_user):
    save_filter(actor=desk.agent, name="Privé", query="queue=mine")
    save_filter(actor=desk.agent, name="Partagé", query="queue=all", shared=True)
    own = save_filter(actor=desk.engineer, name="À moi", query="queue=groups")
    listed = list(filters_for(desk.engineer))
    assert [f.name for f in listed] == ["À moi", "Partagé"]
    assert listed[0] == own and listed[0].is_mine and not listed[1].is_mine
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    assert list(filters_for(requester)) == []


def test_those_who_do_not_work_tickets_keep_no_filter(ght, make_user):
    auditor = make_user(roles.AUDITOR, whole_ght=True)
    with pytest.raises(PermissionDenied):
        save_filter(actor=auditor, name="Audit", query="queue=all")


def test_the_queue_page_saves_the_current_filter_and_lists_it(client, desk):
    client.force_login(desk.agent)
    response = client.post(
        SAVE, {"name": "Urgences", "query": "queue=all&priority=1&page=2", "shared": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?priority=1&queue=all"
    saved = SavedFilter.objects.get(owner=desk.agent)
    assert saved.shared and saved.query == "priority=1&queue=all"
    page = client.get(QUEUE, {"priority": "1", "queue": "all"})
    html = page.content.decode()
    assert f'href="{QUEUE}?priority=1&amp;queue=all"' in html
    assert "Urgences" in html
    assert [e["active"] for e in page.context["saved_filters"]] == [True]
    # A colleague sees it, with whose it is, and no delete button.
    client.force_login(desk.engineer)
    html = client.get(QUEUE).content.decode()
    assert "Urgences" in html and "shared by" in html
    assert reverse("desk:savedfilter_delete", args=[saved.pk]) not in html


def test_a_duplicate_name_is_a_field_error_on_the_page(client, desk):
    save_filter(actor=desk.agent, name="Urgences", query="queue=all")
    client.force_login(desk.agent)
    response = client.post(SAVE, {"name": "Urgences", "query": "queue=mine"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert SavedFilter.objects.filter(owner=desk.agent).count() == 1


def test_an_empty_name_is_a_field_error(client, desk):
    client.force_login(desk.agent)
    response = client.post(SAVE, {"name": "", "query": "queue=mine"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_deleting_someone_elses_filter_is_a_404(client, desk):
    saved = save_filter(actor=desk.engineer, name="Réseau", query="queue=groups", shared=True)
    client.force_login(desk.agent)
    response = client.post(reverse("desk:savedfilter_delete", args=[saved.pk]))
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_deleting_ones_own_filter_returns_to_the_queue(client, desk):
    saved = save_filter(actor=desk.agent, name="Mes tickets", query="queue=mine")
    client.force_login(desk.agent)
    response = client.post(
        reverse("desk:savedfilter_delete", args=[saved.pk]), {"next": "?queue=mine"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?queue=mine"
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_a_requester_cannot_save_filters(client, ght, make_user):
    client.force_login(make_user(roles.REQUESTER, establishments=[ght.a]))
    assert client.post(SAVE, {"name": "x", "query": "queue=all"}).status_code == 403
