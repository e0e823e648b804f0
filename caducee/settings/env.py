"""Read configuration from environment variables.

Caducée is configured only through the environment (twelve-factor): the same
code runs the embedded SQLite install and a PostgreSQL/Redis cluster. These
helpers give one place for parsing and for the defaults of embedded mode.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; set but empty counts as unset, as for the other
    helpers (an environment file's ``DATABASE_URL=`` means the default, not
    a database named nothing)."""
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def embedded_secret_key(var_dir: Path) -> str:
    """Return the secret key stored under ./var, creating it on first use.

    Embedded installs must not ask a newcomer for a secret, yet sessions must
    survive a restart: the key is generated once, kept with mode 0600, reused.
    """
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
