"""Keep the impact graph current (``caducee.cmdb.services.graph``).

Rule (STYLE.md principle 10): the graph is precomputed because the desk
reads impacts on every ticket, so every write that changes an answer of
``analyse_impact`` must invalidate it — whatever the channel (forms, API,
imports, inventory agents, the admin). Model signals are the one place all
of them pass through. Only what the graph holds triggers a reload: an
inventory agent rewriting a workstation's hostname every morning must not
make every process reload 100,000 relations.

Watched: relations (any save or delete); items created, deleted, or whose
type, status, patient-safety flag or establishment changed; care units
created, deleted, or whose criticality, establishment or activity changed;
people deleted or whose activity dates changed; people's care units
(``m2m_changed``, both sides). ``QuerySet.update()``, ``bulk_create()`` and
raw SQL send no signals: their callers call ``invalidate_graph()``.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.cmdb.services.graph import invalidate_graph
from caducee.org.models import CareUnit, Person

#: Fields of each model that the graph holds (attribute names).
GRAPH_FIELDS = {
    ConfigurationItem: ("ci_type", "status", "patient_safety_critical", "establishment_id"),
    CareUnit: ("criticality", "establishment_id", "is_active"),
    Person: ("active_from", "active_to"),
}


def _changed(instance, fields: tuple[str, ...]) -> bool:
    # ``AuditedMixin`` keeps the values as loaded (or last saved) in
    # ``_audit_loaded`` and refreshes it only after post_save has run.
    loaded = getattr(instance, "_audit_loaded", None)
    if loaded is None:
        return True  # saved without having been loaded: assume the worst
    return any(name not in loaded or loaded[name] != getattr(instance, name) for name in fields)


@receiver(post_save, sender=Relation, dispatch_uid="cmdb_graph_relation_saved")
@receiver(post_delete, sender=Relation, dispatch_uid="cmdb_graph_relation_deleted")
def relation_changed(sender, instance, **kwargs):
    invalidate_graph(kwargs.get("using"))


@receiver(post_delete, sender=ConfigurationItem, dispatch_uid="cmdb_graph_item_deleted")
@receiver(post_delete, sender=CareUnit, dispatch_uid="cmdb_graph_unit_deleted")
@receiver(post_delete, sender=Person, dispatch_uid="cmdb_graph_person_deleted")
def node_deleted(sender, instance, **kwargs):
    invalidate_graph(kwargs.get("using"))


@receiver(post_save, sender=ConfigurationItem, dispatch_uid="cmdb_graph_item_saved")
@receiver(post_save, sender=CareUnit, dispatch_uid="cmdb_graph_unit_saved")
@receiver(post_save, sender=Person, dispatch_uid="cmdb_graph_person_saved")
def node_saved(sender, instance, created, **kwargs):
    if sender is Person and created:
        return  # no care units yet: they arrive through m2m_changed
    if created or _changed(instance, GRAPH_FIELDS[sender]):
        invalidate_graph(kwargs.get("using"))


@receiver(m2m_changed, sender=Person.care_units.through, dispatch_uid="cmdb_graph_staff")
def staff_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_graph(kwargs.get("using"))
