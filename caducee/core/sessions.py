"""The idle timeout of a session, kept without writing the session on every
request.

Rule: shared ward computers are left signed in, so a session ends after
``SESSION_COOKIE_AGE`` seconds without activity (``CADUCEE_SESSION_IDLE_MINUTES``,
README). The session store enforces it: a session row whose expiry has
passed is not loaded, and the user is signed out.

Django's ``SESSION_SAVE_EVERY_REQUEST`` would push that expiry forward by
rewriting the session on every request — a transaction and an UPDATE on
every page an agent opens, for an expiry that only needs minute precision.
Instead the session remembers when its expiry was last pushed forward
(``REFRESHED_KEY``, seconds since the epoch), and ``SessionIdleMiddleware``
marks it modified again only when that was more than ``REFRESH_EVERY``
ago; ``SessionMiddleware`` then saves it with a new expiry. A session thus
ends between ``SESSION_COOKIE_AGE - REFRESH_EVERY`` and
``SESSION_COOKIE_AGE`` after the last request: the timeout holds to the
minute. A session saved for another reason (sign-in, a message) has its
expiry pushed forward anyway, so its stamp is renewed at no cost.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

#: The session key holding the instant of the last expiry refresh.
REFRESHED_KEY = "_caducee_refreshed"
#: How stale the expiry may get before a request pushes it forward (seconds).
REFRESH_EVERY = 60


class SessionIdleMiddleware:
    """Push the session's expiry forward at most once a minute (see the module).

    Placed just inside ``SessionMiddleware``, so that its answer is seen
    before the session is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        if session.modified:
            # Saved anyway (a sign-in, a message): the stamp rides along.
            refresh(session)
        elif settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Only with a cookie: reading a session that nobody asked for would
            # add Vary: Cookie to static files, the health check, API tokens.
            now = int(timezone.now().timestamp())
            if now - session.get(REFRESHED_KEY, 0) >= REFRESH_EVERY:
                refresh(session, now)
        return response


def refresh(session, now: int | None = None) -> None:
    """Stamp the session as refreshed now; the stamp marks it modified, so
    ``SessionMiddleware`` saves it with a new expiry (unless it is empty:
    signed out)."""
    if session.is_empty():
        return
    session[REFRESHED_KEY] = int(timezone.now().timestamp()) if now is None else now
