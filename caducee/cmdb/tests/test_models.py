"""Item and relation rules shared by every channel (forms, API, imports)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from caducee.cmdb.models import ConfigurationItem, Relation, RelationKind
from caducee.cmdb.services.items import create_item, create_relation
from caducee.cmdb.types import CIType
from caducee.core.models import AuditEvent


def test_fixture_builds_audited_graph(cmdb):
    assert Relation.objects.count() == 15
    assert AuditEvent.objects.filter(object_type="cmdb.relation").count() == 15


def test_type_attributes_validated_per_type(ght, admin_user):
    item = ConfigurationItem(
        name="srv",
        ci_type=CIType.SERVER,
        establishment=ght.a,
        attributes={"ram_mb": "lots", "colour": True},
    )
    with pytest.raises(ValidationError) as info:
        create_item(item, actor=admin_user)
    errors = info.value.message_dict
    assert "attributes.ram_mb" in errors
    assert "attributes.colour" in errors  # not a server attribute
    assert "attributes.server_kind" in errors  # required for servers
    assert not ConfigurationItem.objects.exists()


def test_attributes_normalised(ght, admin_user):
    item = create_item(
        ConfigurationItem(
            name="sw",
            ci_type=CIType.NETWORK_DEVICE,
            establishment=ght.a,
            mac_address="00-1A-2B-3C-4D-5E",
            attributes={"network_role": "access", "port_count": "48", "vlans": "10 , 20,110"},
        ),
        actor=admin_user,
    )
    item.refresh_from_db()
    assert item.attributes == {"network_role": "access", "port_count": 48, "vlans": "10, 20, 110"}
    assert item.mac_address == "00:1a:2b:3c:4d:5e"


def test_room_must_belong_to_establishment(ght, admin_user):
    item = ConfigurationItem(name="x", ci_type=CIType.OTHER, establishment=ght.a, room=ght.room_b)
    with pytest.raises(ValidationError) as info:
        create_item(item, actor=admin_user)
    assert "room" in info.value.message_dict


def test_relation_type_pairs_and_self_loops(cmdb, ght, admin_user):
    with pytest.raises(ValidationError) as info:  # a switch does not run on a printer
        create_relation(
            Relation(source=cmdb.core, kind=RelationKind.RUNS_ON, target=cmdb.printer),
            actor=admin_user,
        )
    assert "target" in info.value.message_dict
    with pytest.raises(ValidationError):
        create_relation(
            Relation(source=cmdb.access, kind=RelationKind.CONNECTED_TO, target=cmdb.access),
            actor=admin_user,
        )
    with pytest.raises(ValidationError):  # only "used by" targets a care unit
        create_relation(
            Relation(source=cmdb.ehr, kind=RelationKind.DEPENDS_ON, care_unit=ght.icu_a),
            actor=admin_user,
        )


def test_duplicate_asset_tag_or_uuid_is_the_fields_error(cmdb, ght, admin_user):
    """Whatever the channel (form, API, import, inventory, a script calling the
    service), a duplicate identity is reported on its field, in words."""
    ConfigurationItem.objects.filter(pk=cmdb.printer.pk).update(
        asset_tag="INV-0042", uuid="4c4c4544-0042-4d10-8039-b2c04f4e3132"
    )
    before = ConfigurationItem.objects.count()
    for field, value, message in (
        ("asset_tag", "INV-0042", "Another item already has this asset tag."),
        ("uuid", "4c4c4544-0042-4d10-8039-b2c04f4e3132", "Another item already has this UUID."),
    ):
        item = ConfigurationItem(
            name="prn-copie", ci_type=CIType.PRINTER, establishment=ght.a, **{field: value}
        )
        with pytest.raises(ValidationError) as raised:
            create_item(item, actor=admin_user)
        assert raised.value.message_dict == {field: [message]}
    assert ConfigurationItem.objects.count() == before
