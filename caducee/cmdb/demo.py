"""The CMDB part of ``caducee demo``: the infrastructure of the demo GHT.

Runs after the organisation part (``caducee.core.demo`` calls the apps in
INSTALLED_APPS order, ``org`` before ``cmdb``) and builds on what it left in
``ctx.data``: establishments, floors and rooms, care units, people, teams
and the demo accounts. From ``ctx.random`` only, so a seed gives the same
infrastructure:

* suppliers and their contracts with P1–P5 commitments (``demo_contracts``);
* the shared data centre, its clusters and servers, the applications of the
  GHT and of each establishment with their databases (``demo_datacentre``);
* workstations, printers and phones of every unit (``demo_endpoints``);
* medical devices, biomedical teams, maintenance plans, work orders and
  vigilance reports (``demo_biomed``);
* the network of each establishment, to which all of them connect
  (``demo_network``).

``small`` gives several hundred items (every type, every relation kind);
``ght`` the scale of DESIGN.md: about 12,000 workstations, 7,700 printers,
hundreds of servers, 2,000 network devices, 300 applications, 3,000
medical devices and 100,000 relations. Items and relations are written with
``bulk_create``, each with its creation event in the audit trail; the impact
graph is invalidated at the end (bulk writes send no signals). Later parts
(the service desk…) find the items, applications by code, devices, suppliers
and contracts in ``ctx.data["cmdb"]``.
"""

from __future__ import annotations

from collections import Counter

from caducee.cmdb import (
    demo_biomed,
    demo_contracts,
    demo_datacentre,
    demo_endpoints,
    demo_network,
)
from caducee.cmdb import demo_data as data
from caducee.cmdb.demo_builder import Builder, bulk
from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.cmdb.services.impact import invalidate_graph
from caducee.core.demo import DemoContext


def contribute(ctx: DemoContext) -> None:
    if ConfigurationItem.objects.exists():
        ctx.log("  cmdb: configuration items already present, nothing added")
        return
    b = Builder(ctx)
    apps = [app for app in data.APPLICATIONS if ctx.big or not app.has("large")]
    demo_contracts.suppliers(b)
    demo_contracts.contracts(b, apps)
    demo_contracts.save(b)
    demo_datacentre.build(b, apps)
    demo_endpoints.build(b)
    demo_biomed.devices(b)
    demo_network.build(b)
    bulk(ConfigurationItem, b.items)
    bulk(Relation, b.relations)
    demo_biomed.register(b)
    invalidate_graph()
    ctx.data["cmdb"] = {
        "items": b.items,
        "applications": b.apps,
        "devices": b.devices,
        "suppliers": b.suppliers,
        "contracts": b.contracts,
    }
    by_type = Counter(item.ci_type for item in b.items)
    ctx.log(
        f"  cmdb: {len(b.items)} items ("
        + ", ".join(f"{count} {ci_type}" for ci_type, count in sorted(by_type.items()))
        + f"), {len(b.relations)} relations, {len(b.contracts)} contracts"
    )
