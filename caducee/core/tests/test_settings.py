"""Settings from the environment: production passes ``check --deploy`` with
no warning, refuses to start without a secret key, and embedded mode keeps
one generated secret key.

Settings are read once per process, so production is tried in a child
process with a clean environment (no CADUCEE_TESTING, no test database).
"""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

from caducee.settings.env import embedded_secret_key

REPO = Path(__file__).resolve().parents[3]


def _run_caducee(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TZ") if key in os.environ}
    base["PYTHONPATH"] = str(REPO)
    base["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "caducee", *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env(var_dir: Path) -> dict[str, str]:
    return {
        "CADUCEE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "caducee.example.org",
        "DATABASE_URL": f"sqlite:///{var_dir / 'x.sqlite3'}",
        "CADUCEE_VAR_DIR": str(var_dir),
    }


def test_production_passes_the_deploy_check_without_any_warning(tmp_path):
    env = _production_env(tmp_path)
    env["DEBUG"] = "true"  # an admin's leftover: production ignores it
    result = _run_caducee(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr
    # Production never writes a generated key next to the data.
    assert not (tmp_path / "secret_key").exists()


def test_production_without_secret_key_refuses_to_start(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _run_caducee(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "RuntimeError: SECRET_KEY must be set when CADUCEE_ENV=production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_embedded_secret_key_is_generated_once_private_and_reused(tmp_path):
    var_dir = tmp_path / "var"
    first = embedded_secret_key(var_dir)
    path = var_dir / "secret_key"
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == first
    assert embedded_secret_key(var_dir) == first
    assert embedded_secret_key(tmp_path / "other") != first


def test_embedded_mode_uses_the_stored_key(tmp_path):
    env = {
        "CADUCEE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "caducee.settings",
    }
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            env={**base, **env, "PYTHONPATH": str(REPO)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs[0] == runs[1] == (tmp_path / "secret_key").read_text()


def test_documented_tuning_variables_reach_the_settings(tmp_path):
    """The README's configuration table is what the settings read."""
    env = {
        "CADUCEE_VAR_DIR": str(tmp_path),
        "CADUCEE_IMPORT_INLINE_ROWS": "9",
        "CADUCEE_IMPORT_CHUNK_ROWS": "250",
        "CADUCEE_DESK_REOPEN_DAYS": "3",
    }
    names = ("CADUCEE_IMPORT_INLINE_ROWS", "CADUCEE_IMPORT_CHUNK_ROWS", "CADUCEE_DESK_REOPEN_DAYS")
    code = (
        "from django.conf import settings; print("
        + ", ".join(f"settings.{name}" for name in names)
        + ")"
    )
    result = _run_caducee(["shell", "--no-imports", "-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["9", "250", "3"]


def _database_options(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {
        "CADUCEE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://caducee@db.example:5432/caducee",
        **variables,
    }
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    return _run_caducee(["shell", "--no-imports", "-c", code], env, tmp_path)


def test_postgresql_prepares_frequent_statements_unless_turned_off(tmp_path):
    result = _database_options(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'server_side_binding': True, 'prepare_threshold': 5}"

    # Behind a pooler in transaction mode that cannot keep prepared statements.
    result = _database_options(tmp_path, DATABASE_PREPARE_THRESHOLD="off")
    assert result.stdout.strip() == "{'server_side_binding': True, 'prepare_threshold': None}"

    result = _database_options(tmp_path, DATABASE_PREPARE_THRESHOLD="often")
    assert result.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD must be an integer" in result.stderr


def test_a_variable_set_empty_means_its_default(tmp_path):
    """``DATABASE_URL=`` in an environment file: the embedded SQLite database,
    not a start-up error about a scheme named nothing."""
    env = {"CADUCEE_VAR_DIR": str(tmp_path), "DATABASE_URL": "", "CADUCEE_API_RATE": ""}
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], "
        "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token'])"
    )
    result = _run_caducee(["shell", "--no-imports", "-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "1200/min"]
