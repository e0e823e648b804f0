"""Rate limits per API token (or per user for session calls, per address
for anonymous ones), from CADUCEE_API_RATE.

Rule (DESIGN.md, the API is for integrations: a runaway script must not
starve the desk): at most N requests per period per caller, then 429 with
``Retry-After``. Counted in fixed windows — one counter per caller and
period, incremented in the shared cache — rather than DRF's default log of
every request's timestamp, which the cache reads and rewrites whole on each
call (1,200 timestamps at the default rate: a millisecond of every ticket
creation). A window lets a caller reach twice the rate across its boundary
at worst, which a guard against runaways can afford.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def __init__(self) -> None:
        # DRF copies the rates onto the class at import; read them per request
        # so that a changed setting (``override_settings`` in tests) applies.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.window_end = 0.0

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        token = getattr(request, "api_token", None)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.window_end = (window + 1) * self.duration
        counter = f"{key}:{window}"
        # One call in the common case: ``incr`` (atomic on Redis, the
        # production cache) fails on a window not yet counted, which ``add``
        # then opens unless another request opened it in between.
        try:
            count = cache.incr(counter)
        except ValueError:
            opened = cache.add(counter, 1, timeout=self.duration + 1)
            count = 1 if opened else cache.incr(counter)
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_end - time.time())
