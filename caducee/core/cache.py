"""The two cache backends: Redis (production) and SQLite files (embedded).

``RedisCache`` is Django's Redis cache with one Redis client per connection
pool. Why (issue "Service desk core", performance): Django's Redis backend builds
a new ``redis.Redis`` object for every cache call, and redis-py fills each
new client's table of ~170 reply handlers as it is built: on a ticket
creation through the API (a rate-limit count and the configuration's
freshness tokens) that was about 1,500 Python calls for two cache calls.
A ``redis.Redis`` is safe to share between threads — every command takes a
connection from the pool and gives it back — so each pool gets one client,
built at its first use, the first server for writes and any for reads as
before.

``SQLiteCache`` is diskcache's Django cache (SQLite files under var/, shared
by the web processes and the worker, atomic counters) kept open between
requests. Django closes every cache when a request ends, which for diskcache
closes its SQLite connections: each request then opened eight databases
again, ~3 ms, more than the file cache it replaced. diskcache opens its
connections per thread and per process, so keeping them is safe, as with
the database's persistent connections.
"""

from __future__ import annotations

import threading
from typing import Any

from diskcache import DjangoCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            with self._lock:
                client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


class SQLiteCache(DjangoCache):
    def close(self, **kwargs: Any) -> None:
        """Kept open between requests (see the module's docstring)."""
