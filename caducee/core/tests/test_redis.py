"""With REDIS_URL set, the task queue and the cache live in Redis: a task
queued by one process is run by `caducee worker` in another, and /health
reports the Redis queue. Runs against a real redis-server started here on
loopback (skipped locally without it, required in CI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caducee.core.testing.services import require


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server (Debian package redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def caducee(args: list[str], env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "caducee", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def env(redis_url, tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CADUCEE_", "DATABASE_URL", "DJANGO_"))
    }
    environment.update(
        REDIS_URL=redis_url,
        CADUCEE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(Path(__file__).resolve().parents[3]),
    )
    migrated = caducee(["migrate", "-v0"], environment, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    return environment


SHELL_QUEUE = """
from huey.contrib.djhuey import HUEY
from django.core.cache import caches
cache = caches["default"]
from caducee.core.tasks import worker_heartbeat
print(type(HUEY).__name__, type(cache).__name__)
worker_heartbeat()
cache.set("caducee-test", "shared", 60)
print("pending", HUEY.pending_count())
print("one client", cache._cache.get_client() is cache._cache.get_client("k", write=True))
cache.add("caducee-count", 1, 60)
print("counted", cache.incr("caducee-count"), cache.incr("caducee-count", 5))
try:
    cache.incr("caducee-never-set")
except ValueError:
    print("missing refused")
"""

SHELL_READ = """
from django.core.cache import caches
cache = caches["default"]
from caducee.core.tasks import last_heartbeat
from huey.contrib.djhuey import HUEY
print("cache", cache.get("caducee-test"))
print("heartbeat", last_heartbeat() is not None, "pending", HUEY.pending_count())
"""


def test_task_queued_in_one_process_runs_in_the_worker(env):
    queued = caducee(["shell", "-c", SHELL_QUEUE], env)
    assert queued.returncode == 0, queued.stderr
    assert "RedisHuey RedisCache" in queued.stdout
    assert "pending 1" in queued.stdout
    # One Redis client per pool, shared by every cache call of the process
    # (caducee.core.cache), with Django's counter semantics kept.
    assert "one client True" in queued.stdout
    assert "counted 2 7" in queued.stdout
    assert "missing refused" in queued.stdout

    worker = subprocess.Popen(
        [sys.executable, "-m", "caducee", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 30
        seen = ""
        while time.time() < deadline:
            seen = caducee(["shell", "-c", SHELL_READ], env).stdout
            if "heartbeat True pending 0" in seen:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    assert "cache shared" in seen  # the cache is shared between processes
    assert "heartbeat True pending 0" in seen


def test_health_reports_the_redis_queue(env):
    probe = caducee(
        [
            "shell",
            "-c",
            "from django.test import Client; import json; "
            "r = Client(SERVER_NAME='localhost').get('/health'); "
            "print(r.status_code, json.loads(r.content)['checks']['task_queue']['backend'])",
        ],
        env,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().endswith("200 RedisHuey")
