"""A ticket's activity timeline: comments, attachments and the audit trail,
merged in time order.

Rule (issue "Service desk core" point 5): one list tells what happened to a
ticket — the replies and notes with their files, the status changes, the
priority overrides, the links, the SLA events (``sla.*`` events recorded by
the SLA part on the ticket) and the edits of its fields — each with a time,
who did it and a short sentence. The audit trail is the source for
everything but the comments and attachments themselves, so the timeline
never disagrees with it.

What a requester who does not work tickets sees: public replies, public
attachments, the ticket's recording and its status changes (without the
reason, which may be internal). Nothing else of the trail.

Cost: a constant number of queries whatever the length of the history —
the comments (with their authors), the attachments, and one query on the
audit trail for the ticket and the links pointing at it (subquery); the
entries are put together in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from caducee.core.models import AuditEvent
from caducee.core.services.audit import object_type
from caducee.desk.models import Attachment, Comment, Status, Ticket, TicketLink
from caducee.desk.models.links import LinkKind
from caducee.desk.services.attachments import visible_attachments
from caducee.desk.services.comments import sees_internal, visible_comments


@dataclass
class Entry:
    kind: str  # "comment", "attachment", "status", "priority", "link", "sla", "update", "event"
    time: dt.datetime
    actor: str
    text: str
    comment: Comment | None = None
    attachments: list[Attachment] = field(default_factory=list)
    attachment: Attachment | None = None
    public: bool = True
    edited: bool = False
    order: int = 0


#: Ticket fields whose changes are told by their own event, or are bookkeeping.
QUIET_FIELDS = frozenset(
    {
        "status",
        "version",
        "created_at",
        "updated_at",
        "first_response_at",
        "assigned_at",
        "resolved_at",
        "closed_at",
        "cancelled_at",
        "reopened_count",
        "response_due",
        "resolution_due",
        "impact_source",
        "computed_priority",
        "priority_overridden",
        "priority_override_reason",
        "priority_overridden_by",
        "priority_overridden_at",
    }
)
PRIORITY_EVENTS = (
    "desk.priority_overridden",
    "desk.priority_override_cleared",
    "desk.priority_override_lifted",
)
#: Events shown through the comment or attachment they describe.
SILENT_EVENTS = frozenset({"desk.commented", "desk.attachment_added"})


def _status(value: Any) -> str:
    return str(Status(value).label) if value in Status.values else str(value or "—")


def _priority(value: Any) -> str:
    return f"P{value}" if value not in (None, "") else "—"


def _link_kind(value: Any) -> str:
    return str(LinkKind(value).label).lower() if value in LinkKind.values else str(value)


def _clock(value: Any) -> str:
    labels = {
        "response": _("first response"),
        "resolution": _("resolution"),
        "ola": _("time in the group"),
        "vendor": _("vendor"),
    }
    return str(labels.get(value, value or ""))


def _field_label(name: str) -> str:
    try:
        return str(Ticket._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def sla_text(event: AuditEvent) -> str:
    """``sla.warning`` {"kind": "resolution"} → "SLA warning (resolution)".

    The SLA part records ``sla.clock_started/paused/resumed/stopped``,
    ``sla.target_changed``, ``sla.warning``, ``sla.breached`` and
    ``sla.escalation_skipped`` with the clock's kind in ``kind``."""
    data = event.data or {}
    what = event.event.split(".", 1)[-1]
    clock = _clock(data.get("kind"))
    labels = {
        "warning": _("SLA warning"),
        "breached": _("SLA breached"),
        "clock_started": _("SLA clock started"),
        "clock_paused": _("SLA clock paused"),
        "clock_resumed": _("SLA clock resumed"),
        "clock_stopped": _("SLA target met") if data.get("met") else _("SLA clock stopped"),
        "target_changed": _("SLA target changed"),
        "escalation_skipped": _("SLA escalation not possible"),
    }
    if what == "clock_stopped" and data.get("met") is False:
        labels[what] = _("SLA clock stopped, target missed")
    label = str(labels.get(what, _("SLA: %(event)s") % {"event": what.replace("_", " ")}))
    return f"{label} ({clock})" if clock else label


def event_text(event: AuditEvent, *, detailed: bool) -> tuple[str, str] | None:
    """(kind, text) for a business event on the ticket, None to leave it out."""
    name, data = event.event, event.data or {}
    if name == "desk.status_changed":
        text = _("Status: %(from)s → %(to)s") % {
            "from": _status(data.get("from")),
            "to": _status(data.get("to")),
        }
        if detailed and data.get("reason"):
            text = f"{text}: {data['reason']}"
        return "status", text
    if not detailed or name in SILENT_EVENTS:
        return None
    if name == "desk.priority_overridden":
        text = _("Priority overridden %(from)s → %(to)s: %(reason)s") % {
            "from": _priority(data.get("from")),
            "to": _priority(data.get("to")),
            "reason": data.get("reason", ""),
        }
        return "priority", text
    if name == "desk.priority_override_cleared":
        return "priority", _("Priority override removed: %(from)s → %(to)s") % {
            "from": _priority(data.get("from")),
            "to": _priority(data.get("to")),
        }
    if name == "desk.priority_override_lifted":
        return "priority", _("Priority override lifted (patient safety): %(from)s → %(to)s") % {
            "from": _priority(data.get("from")),
            "to": _priority(data.get("to")),
        }
    if name == "desk.tickets_linked":
        return "link", _("Linked: %(kind)s %(target)s") % {
            "kind": _link_kind(data.get("kind")),
            "target": data.get("target", ""),
        }
    if name == "desk.tickets_unlinked":
        return "link", _("Link removed: %(kind)s %(target)s") % {
            "kind": _link_kind(data.get("kind")),
            "target": data.get("target", ""),
        }
    if name == "desk.comment_edited":
        return "event", _("Comment corrected")
    if name.startswith("sla."):
        return "sla", sla_text(event)
    return "event", str(event.label)


FIELD_ORDER = {
    field.name: index
    for index, field in enumerate([*Ticket._meta.fields, *Ticket._meta.many_to_many])
}


def update_text(changes: dict, *, drop_priority: bool) -> str | None:
    # In the model's order: PostgreSQL's jsonb does not keep the keys' order.
    names = sorted(
        (n for n in changes if n not in QUIET_FIELDS), key=lambda n: (FIELD_ORDER.get(n, 999), n)
    )
    if drop_priority:
        names = [n for n in names if n != "priority"]
    if not names:
        return None
    parts = []
    for name in names:
        if name == "priority":
            before, after = changes[name]
            parts.append(
                _("priority %(from)s → %(to)s")
                % {"from": _priority(before), "to": _priority(after)}
            )
        else:
            parts.append(_field_label(name))
    return _("Changed: %(fields)s") % {"fields": ", ".join(parts)}


def _trail(ticket: Ticket) -> list[AuditEvent]:
    """The ticket's events and those of the links pointing at it, one query."""
    incoming = (
        TicketLink.objects.filter(target=ticket)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return list(
        AuditEvent.objects.filter(
            Q(object_type=object_type(Ticket), object_id=str(ticket.pk))
            | Q(object_type=object_type(TicketLink), object_id__in=incoming)
        ).order_by("seq")
    )


def _audit_entries(ticket: Ticket, *, detailed: bool) -> list[Entry]:
    events = _trail(ticket)
    entries: list[Entry] = []
    ticket_type = object_type(Ticket)
    for index, event in enumerate(events):
        kind_text: tuple[str, str] | None = None
        if event.object_type != ticket_type:  # a link made from another ticket
            if detailed and event.action in (AuditEvent.Action.CREATE, AuditEvent.Action.DELETE):
                text = (
                    _("Linked from: %(link)s")
                    if event.action == AuditEvent.Action.CREATE
                    else _("Link removed: %(link)s")
                ) % {"link": event.object_repr}
                kind_text = ("link", text)
        elif event.action == AuditEvent.Action.CREATE:
            kind_text = ("created", _("Ticket recorded"))
        elif event.action == AuditEvent.Action.EVENT:
            kind_text = event_text(event, detailed=detailed)
        elif event.action == AuditEvent.Action.UPDATE and detailed:
            following = events[index + 1] if index + 1 < len(events) else None
            drop = following is not None and following.event in PRIORITY_EVENTS
            text = update_text(event.changes or {}, drop_priority=drop)
            kind_text = ("update", text) if text else None
        if kind_text is None:
            continue
        entries.append(
            Entry(
                kind=kind_text[0],
                time=event.timestamp,
                actor=event.actor_label or _("system"),
                text=kind_text[1],
                order=event.seq,
            )
        )
    return entries


def timeline(ticket: Ticket, *, user: Any) -> list[Entry]:
    """What happened to ``ticket``, oldest first, as ``user`` may see it
    (the caller has checked that ``user`` sees the ticket)."""
    detailed = sees_internal(user)
    entries = _audit_entries(ticket, detailed=detailed)
    by_comment: dict[int, list[Attachment]] = {}
    for attachment in visible_attachments(ticket, user=user, internal=detailed):
        if attachment.comment_id is not None:
            by_comment.setdefault(attachment.comment_id, []).append(attachment)
            continue
        entries.append(
            Entry(
                kind="attachment",
                time=attachment.created_at,
                actor=str(attachment.uploaded_by or _("system")),
                text=_("Attached %(name)s") % {"name": attachment.name},
                attachment=attachment,
                public=attachment.is_public,
            )
        )
    for comment in visible_comments(ticket, user=user, internal=detailed):
        entries.append(
            Entry(
                kind="comment",
                time=comment.created_at,
                actor=str(comment.author or _("system")),
                text=str(comment.get_visibility_display()),
                comment=comment,
                attachments=by_comment.get(comment.pk, []),
                public=comment.is_public,
                edited=(comment.updated_at - comment.created_at) > dt.timedelta(seconds=1),
            )
        )
    entries.sort(key=lambda e: (e.time, e.order))
    return entries
