"""A web process freezes what it holds out of the garbage collector's walks
after its first requests (``caducee.core.collector``), once."""

import gc

import pytest
from django.test import override_settings

from caducee.core import collector

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_collector():
    saved = dict(collector._state)
    collector._state.update(served=0, frozen=False)
    yield
    gc.unfreeze()
    collector._state.update(saved)


@override_settings(CADUCEE_GC_FREEZE_AFTER=3)
def test_the_process_settles_after_its_first_requests(client, fresh_collector, caplog):
    caplog.set_level("INFO", logger="caducee.core.collector")
    client.get("/login/")
    client.get("/login/")
    assert gc.get_freeze_count() == 0
    client.get("/login/")
    assert gc.get_freeze_count() > 1000  # Django and what the process loaded
    for _ in range(3):
        client.get("/login/")
    settled = [r for r in caplog.records if r.getMessage().startswith("garbage collector settled")]
    assert len(settled) == 1  # once only


@override_settings(CADUCEE_GC_FREEZE_AFTER=0)
def test_zero_never_freezes(client, fresh_collector):
    for _ in range(5):
        client.get("/login/")
    assert gc.get_freeze_count() == 0
