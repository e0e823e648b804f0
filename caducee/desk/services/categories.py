"""Changes to ticket categories, and the trees every GHT starts from.

Rule (STYLE.md principle 5; see ``caducee.desk.models.categories``):
categories are GHT-wide configuration, so only someone with the role and the
whole GHT in scope changes them — a DSI manager of one hospital renaming
"Logiciel métier > DPI" would rename it for every hospital's reports. The
model validates the tree (same kind as the parent, no cycle, at most
``MAX_DEPTH`` levels); categories in use are retired (``is_active``), never
deleted.

``DEFAULT_CATEGORIES`` is a realistic starting tree per kind, in French (the
words agents and requesters use); ``install_default_categories`` writes it,
idempotently, for ``caducee demo`` and for a new installation.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core.services import objects as object_services
from caducee.core.services.errors import PermissionDenied
from caducee.core.services.scoping import can
from caducee.desk.models import Category, Ticket, TicketKind
from caducee.desk.models.categories import MAX_DEPTH


def category_chain(ticket: Ticket) -> list[int]:
    """The ids of the ticket's category and those above it (nearest first),
    as routing rules and SLA policies match them: from the category the
    ticket holds when its parents are loaded with it, else from the tree
    kept per process (``desk.services.configuration``); none read."""
    if ticket.category_id is None:
        return []
    held, parent = Ticket._meta.get_field("category"), Category._meta.get_field("parent")
    node = held.get_cached_value(ticket) if held.is_cached(ticket) else None
    ids: list[int] = []
    expected = ticket.category_id
    while node is not None and node.pk == expected and len(ids) < MAX_DEPTH:
        ids.append(node.pk)
        expected = node.parent_id
        if expected is None:
            return ids
        node = parent.get_cached_value(node) if parent.is_cached(node) else None
    from caducee.desk.services.configuration import category_lineage

    return category_lineage(ticket.category_id)


#: A tree: (name, [children as trees]).
Tree = tuple[str, tuple["Tree", ...]]


def _require_ght(actor: Any, action: str) -> None:
    if not can(actor, Category, action):
        raise PermissionDenied(_("You are not allowed to change ticket categories."))
    if actor.establishment_ids() is not None:
        raise PermissionDenied(
            _("Categories are shared by the whole GHT: only someone who sees it may change them.")
        )


def create_category(category: Category, *, actor: Any) -> Category:
    _require_ght(actor, "add")
    return object_services.create_object(category, actor=actor)


def update_category(category: Category, *, actor: Any) -> Category:
    """Rename, move, reorder or retire a category (``is_active=False``)."""
    _require_ght(actor, "change")
    return object_services.update_object(category, actor=actor)


def _leaves(*names: str) -> tuple[Tree, ...]:
    return tuple((name, ()) for name in names)


DEFAULT_CATEGORIES: dict[str, tuple[Tree, ...]] = {
    TicketKind.INCIDENT: (
        (
            "Poste de travail",
            _leaves("Ne démarre pas", "Lenteurs", "Écran, clavier ou souris", "Session Windows"),
        ),
        (
            "Imprimante",
            _leaves("N'imprime pas", "Bourrage ou consommable", "Étiquettes et bracelets patient"),
        ),
        (
            "Logiciel métier",
            _leaves(
                "DPI",
                "Prescription et pharmacie",
                "Laboratoire (SIL)",
                "Imagerie (PACS, RIS)",
                "Bloc opératoire",
                "Gestion administrative du patient",
            ),
        ),
        ("Réseau", _leaves("Wi-Fi", "Prise ou câblage", "Accès distant (VPN)")),
        ("Téléphonie", _leaves("Poste fixe", "DECT", "Appel malade")),
        (
            "Accès / habilitations",
            _leaves("Mot de passe ou compte bloqué", "Carte CPS / e-CPS", "Droits applicatifs"),
        ),
        (
            "Matériel biomédical",
            _leaves(
                "Moniteur de surveillance", "Pompe ou pousse-seringue", "Interface avec le DPI"
            ),
        ),
        ("Messagerie", _leaves("Messagerie interne", "Messagerie sécurisée de santé")),
    ),
    TicketKind.REQUEST: (
        (
            "Poste de travail",
            _leaves("Nouveau poste", "Déménagement", "Installation d'un logiciel"),
        ),
        ("Imprimante", _leaves("Installation", "Consommables")),
        (
            "Accès / habilitations",
            _leaves("Arrivée d'un agent", "Départ d'un agent", "Droits applicatifs"),
        ),
        ("Téléphonie", _leaves("Nouvelle ligne", "DECT supplémentaire")),
        ("Logiciel métier", _leaves("Paramétrage DPI", "Formation")),
        ("Matériel biomédical", _leaves("Raccordement au réseau")),
        ("Renseignement", ()),
    ),
    TicketKind.PROBLEM: (
        ("Infrastructure", _leaves("Réseau", "Serveurs et stockage", "Sauvegarde")),
        ("Logiciel métier", _leaves("DPI", "Interfaces (HL7)")),
        ("Poste de travail", ()),
        ("Sécurité", ()),
    ),
}


def _install(kind: str, trees: tuple[Tree, ...], parent: Category | None) -> list[Category]:
    created: list[Category] = []
    for position, (name, children) in enumerate(trees, start=1):
        category = Category.objects.filter(kind=kind, parent=parent, name=name).first()
        if category is None:
            category = Category(kind=kind, parent=parent, name=name, position=position)
            category.full_clean()
            category.save()
            created.append(category)
        created += _install(kind, children, category)
    return created


def install_default_categories() -> list[Category]:
    """Create the default categories not there yet (idempotent): system
    set-up, like the demo, so without an acting user but validated, and the
    model writes the trail."""
    created: list[Category] = []
    with transaction.atomic():
        for kind, trees in DEFAULT_CATEGORIES.items():
            created += _install(kind, trees, None)
    return created
