"""Audit hooks that a model's ``save()`` cannot see: deletes (cascades
included), many-to-many changes, sign-ins and failed sign-ins."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from caducee.core import context
from caducee.core.clientip import client_ip
from caducee.core.models.base import AuditedMixin
from caducee.core.services import audit


@receiver(post_delete)
def audit_delete(sender, instance, **kwargs):
    if isinstance(instance, AuditedMixin):
        audit.record_delete(instance)


@receiver(m2m_changed)
def audit_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not isinstance(instance, AuditedMixin):
        return
    field_name = None
    for field in instance._meta.many_to_many:
        if field.remote_field.through is sender:
            field_name = field.name
            break
    if field_name is None:
        return
    if action.startswith("pre_"):
        instance._audit_m2m_before = {
            **getattr(instance, "_audit_m2m_before", {}),
            field_name: list(getattr(instance, field_name).values_list("pk", flat=True)),
        }
        return
    if action.startswith("post_"):
        before = getattr(instance, "_audit_m2m_before", {}).pop(field_name, [])
        after = list(getattr(instance, field_name).values_list("pk", flat=True))
        audit.record_m2m(instance, field_name, before, after)


def _client_ip(request) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    with context.acting_as(user, source="web"):
        audit.record_event("user.login", user, data={"ip": _client_ip(request)})


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        with context.acting_as(user, source="web"):
            audit.record_event("user.logout", user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    with context.change_context(actor=None, actor_label=username, source="web"):
        audit.record_event(
            "user.login_failed",
            obj_type="core.user",
            obj_repr=username,
            data={"username": username, "ip": _client_ip(request)},
        )
