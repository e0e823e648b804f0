from caducee.cmdb.models.contracts import Contract, ContractCommitment, Priority, Supplier
from caducee.cmdb.models.items import (
    DOWN_STATUSES,
    ConfigurationItem,
    InstalledSoftware,
    LifecycleStatus,
    NetworkInterface,
    Software,
)
from caducee.cmdb.models.medical import (
    MaintenanceKind,
    MaintenancePlan,
    VigilanceReport,
    WorkOrder,
)
from caducee.cmdb.models.relations import PROPAGATES, RULES, Relation, RelationKind

__all__ = [
    "DOWN_STATUSES",
    "PROPAGATES",
    "RULES",
    "ConfigurationItem",
    "Contract",
    "ContractCommitment",
    "InstalledSoftware",
    "LifecycleStatus",
    "MaintenanceKind",
    "MaintenancePlan",
    "NetworkInterface",
    "Priority",
    "Relation",
    "RelationKind",
    "Software",
    "Supplier",
    "VigilanceReport",
    "WorkOrder",
]
