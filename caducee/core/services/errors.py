"""The one base class of domain errors.

Services raise ``DomainError`` (or a subclass) when a rule refuses an action;
views and the API map it to a clear message (400 or 409), never a 500.
``field`` names the input at fault when there is one, so forms and the API
can show it next to that field.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
