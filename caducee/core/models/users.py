"""User accounts and the establishments they may see.

A user belongs to one or more establishments, or to the whole GHT
(``all_establishments``). That set is the user's scope: every list, search,
export and API query is filtered by it through ``RestrictedQuerySet.restrict``.
The staff profile (``org.Person``) points to the account, not the other way:
many staff never log in.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models.base import AuditedMixin, RestrictedQuerySet


class UserQuerySet(RestrictedQuerySet):
    pass


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True


class User(AuditedMixin, AbstractUser):
    audit_secret_fields = frozenset({"password"})
    audit_ignore_fields = frozenset({"last_login"})

    all_establishments = models.BooleanField(
        _("whole GHT"),
        default=False,
        help_text=_("Sees the records of every establishment of the group."),
    )
    establishments = models.ManyToManyField(
        "org.Establishment",
        verbose_name=_("establishments"),
        blank=True,
        related_name="users",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("fr", _("French")), ("en", _("English"))],
        default="fr",
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_absolute_url(self) -> str:
        return reverse("core:user_detail", args=[self.pk])

    @classmethod
    def restrict_queryset(cls, queryset, user, action):
        """Accounts are seen by administrators who share an establishment."""
        ids = user.establishment_ids()
        if ids is None:
            return queryset
        return queryset.filter(models.Q(establishments__in=ids) | models.Q(pk=user.pk)).distinct()

    def establishment_ids(self) -> set[int] | None:
        """The ids this user may see, or None for the whole GHT.

        Scoping asks for it on every query of a page: it comes from the
        picture of every account kept per process
        (``caducee.core.services.access``), and is cached on the instance.
        """
        if self.is_superuser or self.all_establishments:
            return None
        cached = getattr(self, "_establishment_ids", None)
        if cached is None:
            from caducee.core.services.access import establishments_of

            cached = set(establishments_of(self))
            self._establishment_ids = cached
        return cached

    def has_role(self, role: str) -> bool:
        from caducee.core.services.access import roles_of

        return role in roles_of(self)
