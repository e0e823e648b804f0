"""The real FusionInventory agent 2.6 (Debian ``fusioninventory-agent``)
inventories this machine against the test server, twice.

Server mode, as deployed in a hospital: the agent posts a zlib PROLOG, gets
a 401 Basic challenge, replays with the API token as password, receives
SEND, then posts its INVENTORY. Skipped locally when the agent is missing;
required in CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from caducee.cmdb.models import ConfigurationItem, InstalledSoftware
from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.tokens import create_token
from caducee.core.testing.services import require


def agent_command() -> str | None:
    """The agent, when installed and able to keep its state (its vardir)."""
    program = shutil.which("fusioninventory-agent")
    if not program:
        return None
    setup = subprocess.run([program, "--setup"], capture_output=True, text=True, timeout=30)
    vardir = re.search(r"^vardir:\s*(\S+)", setup.stdout, re.MULTILINE)
    path = Path(vardir.group(1)) if vardir else None
    writable = path is not None and os.access(path if path.exists() else path.parent, os.W_OK)
    return program if writable else None


def os_release_name() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return ""


def debian_version(package: str) -> str:
    return subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=True
    ).stdout


def run_agent(program: str, url: str, key: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [
            program,
            "--server",
            url,
            "--user",
            "fusioninventory",
            "--password",
            key,
            "--config",
            "none",  # ignore /etc/fusioninventory/agent.cfg
            "--tasks",
            "inventory",
            "--no-httpd",
            "--logger",
            "stderr",
            "--debug",
            "--timeout",
            "60",
            "--backend-collect-timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    return time.perf_counter() - started, log


@pytest.mark.django_db(transaction=True)
def test_real_agent_inventories_this_machine(live_server, ght, make_user):
    program = agent_command()
    require(program is not None, "fusioninventory-agent (Debian package, run as root)")
    user = make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a], username="fusion")
    _token, key = create_token(actor=user, name="FusionInventory on the CI machine")
    url = f"{live_server.url}/cmdb/inventory/"

    seconds, log = run_agent(program, url, key)
    # The whole dialogue happened: challenge answered, SEND received, inventory sent.
    assert "authentication required, submitting credentials" in log, log
    assert "running task Inventory" in log, log
    assert "[error]" not in log, log

    hostname = socket.gethostname().split(".")[0].lower()
    item = ConfigurationItem.objects.get(hostname=hostname)
    assert item.establishment == ght.a
    assert item.ci_type in ("workstation", "server")
    assert item.attributes["os_family"] == "linux"
    assert item.attributes["os_name"] == os_release_name()
    assert item.inventory_agent.startswith(f"{hostname}-")
    installed = dict(item.installed_software.values_list("software__name", "version"))
    assert installed["fusioninventory-agent"] == debian_version("fusioninventory-agent")
    assert installed["perl"] == debian_version("perl")
    assert len(installed) > 100  # every Debian package of the machine
    first = AuditEvent.objects.get(event="cmdb.inventory", object_id=str(item.pk))
    assert (first.actor_id, first.source, first.data["created"]) == (user.pk, "inventory", True)
    assert first.data["software"]["added"] == len(installed)

    # A second run updates the same item: no duplicate, no software churn.
    seconds_again, log = run_agent(program, url, key)
    assert "[error]" not in log, log
    assert ConfigurationItem.objects.filter(hostname=hostname).count() == 1
    assert InstalledSoftware.objects.filter(item=item).count() == len(installed)
    last = AuditEvent.objects.filter(event="cmdb.inventory").order_by("-seq").first()
    assert last.data["created"] is False
    assert last.data["software"]["added"] == last.data["software"]["removed"] == 0
    print(f"agent runs: {seconds:.1f} s then {seconds_again:.1f} s, {len(installed)} packages")
