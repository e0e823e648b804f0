from caducee.core.models.audit import AuditChainHead, AuditEvent
from caducee.core.models.base import AuditedModel, BaseModel, RestrictedQuerySet
from caducee.core.models.idempotency import IdempotencyKey
from caducee.core.models.jobs import ImportJob
from caducee.core.models.tokens import ApiToken
from caducee.core.models.users import User

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "AuditedModel",
    "BaseModel",
    "IdempotencyKey",
    "ImportJob",
    "RestrictedQuerySet",
    "User",
]
