from caducee.desk.models.categories import Category
from caducee.desk.models.comments import Attachment, Comment, Visibility
from caducee.desk.models.groups import AssignmentGroup, AssignmentMethod, SupportLevel
from caducee.desk.models.kinds import NUMBER_PREFIXES, TicketKind
from caducee.desk.models.links import LinkKind, TicketLink
from caducee.desk.models.numbering import TicketCounter
from caducee.desk.models.priority import (
    DEFAULT_MATRIX,
    Impact,
    ImpactSource,
    PriorityMatrixCell,
    Urgency,
)
from caducee.desk.models.routing import RoutingRule
from caducee.desk.models.tags import Tag, normalise_tag
from caducee.desk.models.tickets import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    REOPEN_STATUSES,
    SLA_PAUSED_STATUSES,
    TRANSITIONS,
    WAITING_ON,
    WAITING_STATUSES,
    Channel,
    ResolutionCode,
    Status,
    Ticket,
)

__all__ = [
    "DEFAULT_MATRIX",
    "FINAL_STATUSES",
    "NUMBER_PREFIXES",
    "OPEN_STATUSES",
    "REOPEN_STATUSES",
    "SLA_PAUSED_STATUSES",
    "TRANSITIONS",
    "WAITING_ON",
    "WAITING_STATUSES",
    "AssignmentGroup",
    "AssignmentMethod",
    "Category",
    "Channel",
    "Impact",
    "ImpactSource",
    "LinkKind",
    "PriorityMatrixCell",
    "ResolutionCode",
    "Status",
    "SupportLevel",
    "Tag",
    "Ticket",
    "TicketCounter",
    "TicketKind",
    "TicketLink",
    "Urgency",
    "normalise_tag",
]

from caducee.desk.models.workspace import (
    DEFAULT_PREFERENCES,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    SavedFilter,
)

__all__ += [
    "DEFAULT_PREFERENCES",
    "Attachment",
    "Comment",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "NotificationPreference",
    "RoutingRule",
    "SavedFilter",
    "Visibility",
]
