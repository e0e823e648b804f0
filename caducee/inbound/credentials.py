"""Mailbox passwords at rest: encrypted, never shown back.

Rule (issue "Channels" point 2; PGSSI-S: no credential in clear in a
database or a backup): a mailbox's password is stored as a Fernet token
(AES-128-CBC and HMAC-SHA256, from ``cryptography``), under a key from
the environment ``CADUCEE_SECRETS_KEY`` — any string; a Fernet key is used
as it is, anything else is stretched with HKDF — else derived from
``SECRET_KEY`` (embedded mode). Keys rotate: values written under the key
derived from ``SECRET_KEY`` still decrypt once ``CADUCEE_SECRETS_KEY`` is
set (``MultiFernet``). An administrator who would rather keep the password
out of the database names an environment variable instead (the mailbox's
``password_env``).
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"caducee.inbound.mailbox-password"


def _derive(material: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode()
    )
    return base64.urlsafe_b64encode(key)


def _as_key(value: str) -> bytes:
    try:
        if len(base64.urlsafe_b64decode(value.encode())) == 32:
            return value.encode()
    except (binascii.Error, ValueError):
        pass
    return _derive(value)


def _fernet() -> MultiFernet:
    keys = []
    configured = os.environ.get("CADUCEE_SECRETS_KEY") or getattr(
        settings, "CADUCEE_SECRETS_KEY", ""
    )
    if configured:
        keys.append(Fernet(_as_key(configured)))
    keys.append(Fernet(_derive(settings.SECRET_KEY)))
    return MultiFernet(keys)


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The password; ``ValueError`` when no key at hand opens it."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError("the password cannot be decrypted with the configured keys") from exc
