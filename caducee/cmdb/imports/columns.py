"""The columns of the CMDB imports, with the French and English headers
accepted for each (a header matches its label in any interface language, its
code name, or one of the aliases below; case, accents and punctuation do not
matter)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.types import SPECS
from caducee.core.imports import Column


def _attribute_columns() -> tuple[Column, ...]:
    """One column per typed attribute name (types share names such as the
    operating system's), named ``attributes.<name>`` or by the label."""
    attributes = {}
    for spec in SPECS.values():
        for attribute in spec.attributes:
            attributes.setdefault(attribute.name, attribute)
    return tuple(
        Column(f"attributes.{a.name}", capfirst(a.label), (a.name,)) for a in attributes.values()
    )


ATTRIBUTE_COLUMNS = _attribute_columns()

ITEM_COLUMNS: tuple[Column, ...] = (
    Column("name", _("Name"), ("Nom", "Libellé", "Désignation")),
    Column("ci_type", _("Type"), ("Type d'élément", "Type de CI", "CI type", "Item type")),
    Column("status", _("Status"), ("Statut", "État", "Etat", "Lifecycle status")),
    Column(
        "establishment",
        _("Establishment"),
        ("Établissement", "FINESS", "N° FINESS", "FINESS établissement", "Establishment FINESS"),
    ),
    Column("site", _("Site code"), ("Code site", "Site")),
    Column("building", _("Building code"), ("Code bâtiment", "Bâtiment", "Building")),
    Column("floor", _("Floor level"), ("Niveau", "Étage", "Floor")),
    Column("room", _("Room code"), ("Code local", "Local", "Salle", "Pièce", "Room")),
    Column(
        "owner_group",
        _("Owner group"),
        ("Groupe propriétaire", "Équipe support", "Groupe support", "Équipe", "Owner team"),
    ),
    Column(
        "business_owner",
        _("Business owner"),
        ("MOA", "Responsable métier", "Maîtrise d'ouvrage", "Business owner (MOA)"),
    ),
    Column("supplier", _("Supplier"), ("Fournisseur", "Vendor")),
    Column(
        "contract",
        _("Contract reference"),
        ("Référence contrat", "Référence du contrat", "Contrat", "Contract"),
    ),
    Column(
        "serial_number",
        _("Serial number"),
        ("N° de série", "Numéro de série", "Serial", "Série", "SN"),
    ),
    Column(
        "asset_tag",
        _("Asset tag"),
        ("N° d'inventaire", "Numéro d'inventaire", "Inventaire", "Étiquette", "Asset number"),
    ),
    Column("manufacturer", _("Manufacturer"), ("Fabricant", "Constructeur", "Marque", "Make")),
    Column("model", _("Model"), ("Modèle",)),
    Column("purchase_date", _("Purchase date"), ("Date d'achat", "Acheté le")),
    Column("warranty_end", _("Warranty end"), ("Fin de garantie", "Garantie jusqu'au")),
    Column("criticality", _("Criticality"), ("Criticité",)),
    Column(
        "patient_safety_critical",
        _("Patient-safety critical"),
        ("Critique pour la sécurité des patients", "Sécurité patient", "Patient safety"),
    ),
    Column(
        "holds_health_data",
        _("Holds health data"),
        ("Données de santé", "Héberge des données de santé", "HDS", "Health data"),
    ),
    Column("hostname", _("Hostname"), ("Nom d'hôte", "Nom réseau", "Nom DNS", "Host")),
    Column("ip_address", _("IP address"), ("Adresse IP", "IP")),
    Column("mac_address", _("MAC address"), ("Adresse MAC", "MAC")),
    Column("uuid", _("UUID"), ("Identifiant unique",)),
    Column(
        "assigned_to",
        _("Assigned to"),
        ("Attribué à", "Affecté à", "Utilisateur", "Assigned person", "User"),
    ),
    Column("notes", _("Notes"), ("Remarques", "Commentaire", "Commentaires", "Observations")),
    *ATTRIBUTE_COLUMNS,
)

RELATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "source",
        _("Source item"),
        ("Source", "Élément source", "CI source"),
        required=True,
    ),
    Column(
        "source_establishment",
        _("Source establishment"),
        ("Établissement source", "FINESS source", "Establishment", "Établissement"),
    ),
    Column(
        "kind",
        _("Relation"),
        ("Type de relation", "Relation type", "Kind", "Lien"),
        required=True,
    ),
    Column("target", _("Target item"), ("Cible", "Élément cible", "CI cible", "Target")),
    Column(
        "target_establishment",
        _("Target establishment"),
        ("Établissement cible", "FINESS cible", "Care unit establishment"),
    ),
    Column(
        "care_unit",
        _("Care unit (UF code)"),
        ("UF", "Code UF", "Unité fonctionnelle", "Care unit", "UF cible"),
    ),
    Column("notes", _("Notes"), ("Remarques", "Commentaire")),
)

#: Natural keys of an item, in matching order (see ``caducee.cmdb.imports.items``).
KEY_COLUMNS = ("uuid", "asset_tag", "serial_number", "hostname")
