"""A real SMTP server on loopback for the tests: the mail catcher.

Tests of outgoing mail talk SMTP to a server they start themselves (no
mocks, no network beyond loopback; STYLE.md principle 13). ``SmtpCatcher``
runs aiosmtpd's ``Controller`` on 127.0.0.1 and a free port in a thread,
keeps every message it accepts (parsed with ``email.policy.default``), and
can be told to answer ``451`` to the next messages, as a busy or greylisting
relay does, to test retries. The ``smtp_server`` fixture points Django's
mail settings at it for one test.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from email.message import EmailMessage

import pytest

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class SmtpCatcher:
    """The handler aiosmtpd calls, and what the tests read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []
        self._envelopes: list[tuple[str, list[str]]] = []
        self._refuse = 0
        self._refusal = "451 4.3.0 Try again later"
        self.refused = 0
        self.controller = None

    # --- aiosmtpd's hook ----------------------------------------------------------------
    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            if self._refuse > 0:
                self._refuse -= 1
                self.refused += 1
                return self._refusal
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self._messages.append(message)
            self._envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    # --- for the tests ------------------------------------------------------------------
    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        with self._lock:
            return list(self._envelopes)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address`` (envelope recipients)."""
        wanted = address.lower()
        with self._lock:
            return [
                message
                for message, (_sender, rcpts) in zip(self._messages, self._envelopes, strict=True)
                if wanted in {r.lower() for r in rcpts}
            ]

    def refuse_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer ``reply`` (a temporary failure by default) to the next ``count`` messages."""
        with self._lock:
            self._refuse = count
            self._refusal = reply

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._envelopes.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived (or after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                break
            time.sleep(0.02)
        return self.messages

    # --- the server ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self.controller is not None
        return self.controller.port

    def start(self) -> SmtpCatcher:
        # Imported here so that loading the fixtures never needs the dev extra.
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=HOST, port=free_port(), ready_timeout=10)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A running ``SmtpCatcher``; Django's mail goes to it during the test."""
    catcher = SmtpCatcher().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = HOST
    settings.EMAIL_PORT = catcher.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield catcher
    finally:
        catcher.stop()
