"""Errors of the inventory endpoint's input: each maps to one HTTP status.

The endpoint answers every bad payload with a 4xx and a message the agent's
operator can act on (STYLE.md principle 6: no input produces a 500).
"""

from __future__ import annotations


class PayloadError(Exception):
    """The payload cannot be read: malformed, truncated, wrong shape (400)."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PayloadTooLarge(PayloadError):
    """The payload, compressed or once decompressed, is over the limit (413)."""

    status_code = 413
