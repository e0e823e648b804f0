"""Ticket categories: one tree per ticket kind.

Rule (ITIL categorisation): incidents, service requests and problems are
classified differently ("Poste de travail > Ne démarre pas" is an incident,
"Poste de travail > Nouveau poste" a request), so each kind has its own
tree and a ticket takes a category of its own kind. Categories are GHT-wide
configuration (the same words in every establishment make reports
comparable); they are retired (``is_active``), not deleted, because closed
tickets keep pointing at them.

Trees stay shallow (``MAX_DEPTH`` levels: domain, subject, detail): agents
pick a category while on the phone, and cascading choices beyond three
levels are not read.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.desk.models.kinds import TicketKind

#: Levels of a category tree (a root is level 1).
MAX_DEPTH = 3
#: How a category's path is written ("Logiciel métier > DPI").
SEPARATOR = " > "


class Category(AuditedModel):
    scope_path = None

    kind = models.CharField(_("ticket kind"), max_length=16, choices=TicketKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "parent", "name"], name="desk_category_name_unique"
            ),
            # NULL parents are distinct in SQL: roots need their own rule.
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=Q(parent__isnull=True),
                name="desk_category_root_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @staticmethod
    def subtree_q(category_id: int, prefix: str = "category") -> Q:
        """Rows whose ``prefix`` is this category or one below it: the tree is
        ``MAX_DEPTH`` deep, so three joins at most, no recursive query."""
        return (
            Q(**{f"{prefix}_id": category_id})
            | Q(**{f"{prefix}__parent_id": category_id})
            | Q(**{f"{prefix}__parent__parent_id": category_id})
        )

    def ancestors(self) -> list[Category]:
        """From the root down to the parent (one query per level, ≤ MAX_DEPTH)."""
        chain: list[Category] = []
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:  # a cycle written by hand: stop, clean() reports it
                break
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return SEPARATOR.join([*(c.name for c in self.ancestors()), self.name])

    @property
    def depth(self) -> int:
        return len(self.ancestors()) + 1

    def height(self) -> int:
        """Levels from this category down to its deepest descendant (1 for a leaf)."""
        if self.pk is None:
            return 1
        level, below = 1, [self.pk]
        while level <= MAX_DEPTH:
            below = list(Category.objects.filter(parent_id__in=below).values_list("pk", flat=True))
            if not below:
                break
            level += 1
        return level

    def clean(self) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        if parent.kind != self.kind:
            raise ValidationError(
                {"parent": _("The parent category belongs to another kind of ticket.")}
            )
        if self.pk and (parent.pk == self.pk or self.pk in {c.pk for c in parent.ancestors()}):
            raise ValidationError({"parent": _("A category cannot be placed under itself.")})
        if parent.depth + self.height() > MAX_DEPTH:
            raise ValidationError(
                {"parent": _("Categories have at most %(max)d levels.") % {"max": MAX_DEPTH}}
            )
