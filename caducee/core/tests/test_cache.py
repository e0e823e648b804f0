"""The embedded cache (``core.cache.SQLiteCache``, SQLite files under var/):
shared by the processes of one install, its counters exact across them (the
API rate limit), its connections kept when Django closes caches at the end
of each request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.core.cache import close_caches

from caducee.core.cache import SQLiteCache

REPO = Path(__file__).resolve().parents[3]

COUNT = """
import sys
from caducee.core.cache import SQLiteCache
cache = SQLiteCache(sys.argv[1], {})
for _ in range(int(sys.argv[2])):
    try:
        cache.incr("calls")
    except ValueError:
        if not cache.add("calls", 1):
            cache.incr("calls")
"""


def test_counters_are_exact_across_processes(tmp_path):
    """Two web processes counting the same caller's calls at once lose none
    (Django's file cache read and rewrote the value: concurrent calls were
    lost, so a runaway script got past its limit)."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT, str(tmp_path), "300"],
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
        for _ in range(2)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    assert SQLiteCache(str(tmp_path), {}).get("calls") == 600


def test_values_are_shared_and_outlive_the_request(tmp_path):
    web = SQLiteCache(str(tmp_path), {})
    worker = SQLiteCache(str(tmp_path), {})
    web.set("caducee:snapshot:org-establishments:version", "a1", timeout=None)
    assert worker.get("caducee:snapshot:org-establishments:version") == "a1"
    assert web.add("caducee:snapshot:org-establishments:version", "b2") is False
    assert worker.get_many(["caducee:snapshot:org-establishments:version", "nothing"]) == {
        "caducee:snapshot:org-establishments:version": "a1"
    }


def test_connections_are_kept_when_a_request_ends(tmp_path, settings):
    """Django closes every cache at the end of a request; reopening the
    SQLite files cost ~3 ms a request, so this backend keeps them open."""
    settings.CACHES = {
        "default": {"BACKEND": "caducee.core.cache.SQLiteCache", "LOCATION": str(tmp_path)}
    }
    from django.core.cache import cache

    cache.set("k", 1)
    shard = cache._cache._shards[0]
    connection = shard._con
    close_caches()
    assert cache.get("k") == 1
    assert shard._con is connection
