"""Importing relations: "source <relation> target" by any natural key of the
items, or a care unit by its UF code for "used by"; the allowed type pairs
and the scope of ``create_relation`` apply; a re-import changes nothing; and
the engine's second pass survives data changed under its feet."""

from __future__ import annotations

import pytest
from django.utils import translation

from caducee.cmdb.imports.engine import run_bulk_import
from caducee.cmdb.imports.items import ItemImporter
from caducee.cmdb.imports.relations import RelationImporter
from caducee.cmdb.models import ConfigurationItem, Relation, RelationKind
from caducee.cmdb.services.items import create_item
from caducee.cmdb.types import CIType
from caducee.core.imports import read_table
from caducee.core.models import AuditEvent

pytestmark = pytest.mark.django_db

A, B = "750712184", "330781196"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(importer_class, text: str, user, **options):
    table = read_table("file.csv", text.encode())
    importer = importer_class(user, table.headers)
    options.setdefault("dry_run", False)
    options.setdefault("valid_only", False)
    return run_bulk_import(importer, table, chunk_rows=2, **options)


def errors_by_row(outcome):
    found = {}
    for row, column, message in outcome.errors:
        found.setdefault(row, []).append((column, message))
    return found


RELATIONS = "\n".join(
    [
        "Élément source;Établissement source;Type de relation;Cible;UF;Établissement cible;Notes",
        f"prn-rea-01;{A};connected_to;sw-acc-rea;;;",
        f"DPI;{A};depends on;sw-core-a;;;via the core",
        f"Moniteur ECG rea-01;{A};used_by;;4201;;",
        f"dect-rea-01;{A};used by;;1001;{B};",
    ]
)


def test_relations_by_names_keys_and_care_units(ght, admin_user, cmdb):
    preview = run(RelationImporter, RELATIONS, admin_user, dry_run=True)
    # The printer is already connected to the access switch (the fixture).
    assert preview.counts == {"unchanged": 1, "create": 3}, preview.errors
    events = AuditEvent.objects.count()
    outcome = run(RelationImporter, RELATIONS, admin_user)
    assert outcome.committed and outcome.counts["create"] == 3
    ehr_core = Relation.objects.get(source=cmdb.ehr, target=cmdb.core)
    assert ehr_core.kind == RelationKind.DEPENDS_ON and ehr_core.notes == "via the core"
    assert Relation.objects.filter(source=cmdb.ecg, care_unit=ght.ward_a).exists()
    # Care unit in the target establishment (B), not the source's.
    assert Relation.objects.filter(source=cmdb.phone, care_unit=ght.er_b).exists()
    created = AuditEvent.objects.filter(object_type="cmdb.relation", action="create")
    assert created.count() >= 3 and AuditEvent.objects.count() == events + 3
    assert created.order_by("-seq").first().source == "import"

    again = run(RelationImporter, RELATIONS, admin_user)
    assert again.counts == {"unchanged": 4} and AuditEvent.objects.count() == events + 3
    changed = RELATIONS.replace("via the core", "via the core switch")
    update = run(RelationImporter, changed, admin_user)
    assert update.counts == {"unchanged": 3, "update": 1}
    ehr_core.refresh_from_db()
    assert ehr_core.notes == "via the core switch"
    event = AuditEvent.objects.filter(object_type="cmdb.relation", action="update").get()
    assert event.changes == {"notes": ["via the core", "via the core switch"]}


def test_relation_errors(ght, admin_user, cmdb, make_user):
    text = "\n".join(
        [
            "Source;Relation;Target;Care unit",
            "DPI;used_by;sw-core-a;",  # an application is used by care units, not switches
            "pc-rea-01;runs_on;srv-dpi-01;",  # a workstation does not run on a server
            "sw-core-a;connected_to;sw-core-a;",  # no self-loop
            "nowhere;connected_to;sw-core-a;",
            "DPI;used_by;;9999",
            "DPI;teleports to;sw-core-a;",
            "DPI;used_by;sw-core-a;4101",
        ]
    )
    errors = errors_by_row(run(RelationImporter, text, admin_user, dry_run=True))
    assert errors[2] == [
        (
            "Target",
            "A Application cannot be “used by” a Network device. Allowed: care unit.",
        )
    ]
    assert errors[3][0][0] == "Target" and "cannot be “runs on”" in errors[3][0][1]
    assert errors[4] == [("Target", "An item cannot be related to itself.")]
    assert errors[5] == [("Source", "No item found for “nowhere”.")]
    assert errors[6] == [("Care unit", "No care unit with UF code 9999 in this establishment.")]
    assert errors[7][0][0] == "Relation" and "teleports to" in errors[7][0][1]
    assert errors[8] == [("Care unit", "Fill in the target item or the care unit, not both.")]

    # A user of A neither sees B's items nor adds relations from them.
    engineer = make_user("support_engineer", establishments=[ght.a])
    text = "Source;Relation;Target\npc-urg-01;connected_to;sw-core-b\n"
    assert errors_by_row(run(RelationImporter, text, engineer, dry_run=True)) == {
        2: [("Source", "No item found for “pc-urg-01”.")]
    }


def test_ambiguous_reference_asks_for_a_better_key(ght, admin_user, cmdb):
    create_item(
        ConfigurationItem(name="DPI", ci_type=CIType.APPLICATION, establishment=ght.b),
        actor=admin_user,
    )
    text = "Source;Relation;Target\nDPI;runs_on;srv-dpi-01\n"
    errors = errors_by_row(run(RelationImporter, text, admin_user, dry_run=True))
    assert errors[2][0][0] == "Source" and "Several items match “DPI”" in errors[2][0][1]
    narrowed = f"Source;Source establishment;Relation;Target\nDPI;{A};depends_on;db-dpi\n"
    assert run(RelationImporter, narrowed, admin_user).counts == {"unchanged": 1}


def test_data_changed_between_check_and_save_stops_cleanly(ght, admin_user, make_user):
    """Rows checked good, then another user takes row 5's UUID in B before the
    second chunk is saved: the first chunk stays saved, the second is rolled
    back, and the outcome says how to finish."""
    engineer = make_user("support_engineer", establishments=[ght.a])
    text = "\n".join(
        ["Name;Type;Establishment;UUID"] + [f"pc-{n};Workstation;{A};uuid-{n}" for n in range(1, 5)]
    )
    table = read_table("file.csv", text.encode())
    importer = ItemImporter(engineer, table.headers)

    def meanwhile(phase, done):
        if phase == "check" and done == 4:
            create_item(
                ConfigurationItem(
                    name="taken", ci_type=CIType.WORKSTATION, establishment=ght.b, uuid="uuid-4"
                ),
                actor=admin_user,
            )

    outcome = run_bulk_import(
        importer, table, dry_run=False, valid_only=False, chunk_rows=2, progress=meanwhile
    )
    assert outcome.failed and outcome.committed
    assert outcome.message.startswith("The data changed while importing: row 5 no longer passes.")
    assert "2 rows were saved before it" in outcome.message
    assert set(
        ConfigurationItem.objects.filter(name__startswith="pc-").values_list("name", flat=True)
    ) == {"pc-1", "pc-2"}
    assert errors_by_row(outcome)[5] == [
        ("UUID", "This item belongs to an establishment outside your scope.")
    ]
