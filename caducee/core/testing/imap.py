"""A real IMAP server for the tests: Dovecot on loopback, started by the tests.

Rule (issue "Channels" point 2): e-mail to ticket is tested against a real
server, not a mock of one. ``imap_server`` (session-wide) writes a
temporary ``dovecot.conf`` — listening on 127.0.0.1 only, on free ports,
implicit TLS (IMAPS) and STARTTLS, ``ssl = required``, a certificate made
by ``openssl req`` at start for ``127.0.0.1``/``localhost`` (the tests trust
it as a private CA file), users in a passwd-file, Maildirs in a temporary
folder — runs ``dovecot -F -c conf`` in a subprocess and stops it at the
end. Each test takes a fresh account (``new_account()``: a new Maildir, a
new UIDVALIDITY) and puts messages in with IMAP ``APPEND`` over TLS, the
protocol a mail server's delivery agent would have used.

Dovecot is Debian's ``dovecot-imapd``: absent, the tests that need it skip
locally and fail in CI (``caducee.core.testing.services.require``).
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from caducee.core.testing.services import require

HOST = "127.0.0.1"
#: Accounts a session may take (one per test that reads mail).
ACCOUNTS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class ImapAccount:
    username: str
    password: str
    server: DovecotServer

    def connect(self) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL(
            HOST, self.server.port, ssl_context=self.server.ssl_context(), timeout=10
        )
        client.login(self.username, self.password)
        return client

    def append(self, raw: bytes, *, folder: str = "INBOX", flags: str = "") -> None:
        """Deliver ``raw`` into ``folder`` with IMAP APPEND."""
        client = self.connect()
        try:
            status, data = client.append(folder, flags or None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """UID → flags of every message in ``folder``."""
        client = self.connect()
        try:
            client.select(folder, readonly=True)
            _status, data = client.uid("FETCH", "1:*", "(FLAGS)")
            result: dict[int, set[str]] = {}
            for line in data or []:
                if not line:
                    continue
                text = line.decode() if isinstance(line, bytes) else str(line)
                uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
                flags = text.split("FLAGS (", 1)[1].split(")", 1)[0]
                result[uid] = set(flags.split())
            return result
        finally:
            client.logout()

    def unflag_all(self, flag: str = "\\Seen", folder: str = "INBOX") -> None:
        client = self.connect()
        try:
            client.select(folder)
            client.uid("STORE", "1:*", "-FLAGS.SILENT", f"({flag})")
        finally:
            client.logout()


@dataclass
class DovecotServer:
    root: Path
    port: int
    starttls_port: int
    ca_file: str
    process: subprocess.Popen | None = None
    passwd: Path = field(init=False)
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.passwd = self.root / "users"

    host = HOST

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def write_accounts(self, count: int = ACCOUNTS) -> None:
        """Every account of the session, written before Dovecot starts: it
        reads its passwd-file again only when the file's time changes, to
        the second, so accounts added during the run may not be seen."""
        self.accounts = [(f"user{n:04d}", secrets.token_urlsafe(12)) for n in range(count)]
        self.passwd.write_text(
            "".join(f"{name}:{{PLAIN}}{password}::::::\n" for name, password in self.accounts)
        )

    def new_account(self) -> ImapAccount:
        """A fresh user with an empty INBOX."""
        if not self.accounts:
            raise RuntimeError(f"more than {ACCOUNTS} IMAP accounts taken in one session")
        username, password = self.accounts.pop(0)
        return ImapAccount(username, password, self)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _owner() -> tuple[str, int, int]:
    """The account Dovecot's processes and mail run as: ourselves, unless we
    are root (Dovecot refuses mail for uid 0): then its own ``dovecot`` user."""
    root = os.geteuid() == 0
    entry = pwd.getpwnam("dovecot") if root else pwd.getpwuid(os.geteuid())
    return entry.pw_name, entry.pw_uid, entry.pw_gid


CONFIG = """\
instance_name = caducee-test-{token}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
listen = {host}
protocols = imap
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {starttls_port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


def _wait_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot stopped: {log.read_text() if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening")


@contextlib.contextmanager
def dovecot() -> Iterator[DovecotServer]:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )
    require(binary is not None, "Dovecot (dovecot-imapd)")
    require(shutil.which("openssl") is not None, "openssl")
    root = Path(tempfile.mkdtemp(prefix="caducee-dovecot-"))
    user, uid, gid = _owner()
    group = user
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    subprocess.run(  # noqa: S603 - fixed arguments
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    server = DovecotServer(root, free_port(), free_port(), str(root / "cert.pem"))
    server.write_accounts()
    conf = root / "dovecot.conf"
    conf.write_text(
        CONFIG.format(
            token=secrets.token_hex(4),
            root=root,
            host=HOST,
            user=user,
            group=group,
            uid=uid,
            gid=gid,
            port=server.port,
            starttls_port=server.starttls_port,
        )
    )
    if os.geteuid() == 0:
        for path in (root, root / "mail", root / "state"):
            os.chown(path, uid, gid)
        os.chmod(root, 0o755)  # noqa: S103 - a test folder the mail user must reach
    server.process = subprocess.Popen(  # noqa: S603
        [binary, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_listening(server.port, server.process, root / "dovecot.log")
        _wait_listening(server.starttls_port, server.process, root / "dovecot.log")
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def imap_server() -> Iterator[DovecotServer]:
    """Dovecot on loopback for the whole session (see the module docstring)."""
    with dovecot() as server:
        yield server


@pytest.fixture
def imap_account(imap_server: DovecotServer) -> ImapAccount:
    """A fresh IMAP account (empty INBOX) on the test Dovecot."""
    return imap_server.new_account()
