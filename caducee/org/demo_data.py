"""Reference lists for the organisation's demo data (see ``caducee.org.demo``).

Towns and group names are invented, so a demo establishment is never mistaken
for a real hospital; departments and phone prefixes are real, so FINESS
numbers, postcodes and phone numbers look right. The service catalogue says
which care units exist in which kind of establishment, with the clinical
criticality the desk turns into impact, and each unit's staffing profile says
who works there (head, jobs always present, then a weighted mix).
"""

from __future__ import annotations

from typing import NamedTuple

from caducee.org.models import Criticality, Job, Room

LC, HIGH, MEDIUM, LOW = (
    Criticality.LIFE_CRITICAL,
    Criticality.HIGH,
    Criticality.MEDIUM,
    Criticality.LOW,
)

#: (department code, phone prefix, department name): the GHT's territory.
TERRITORIES = [
    ("49", "02", "Maine-et-Loire"),
    ("35", "02", "Ille-et-Vilaine"),
    ("72", "02", "Sarthe"),
    ("21", "03", "Côte-d'Or"),
    ("80", "03", "Somme"),
    ("63", "04", "Puy-de-Dôme"),
    ("26", "04", "Drôme"),
    ("24", "05", "Dordogne"),
    ("86", "05", "Vienne"),
]

GHT_NAMES = [
    "Loire et Vallons",
    "Cœur de Bocage",
    "Rives et Plateaux",
    "Val d'Orbe",
    "Terres de Lumière",
    "Collines et Marais",
]

TOWNS = [
    "Valmont",
    "Les Trois-Rivières",
    "Saint-Aubin-des-Landes",
    "Beaulieu-sur-Dive",
    "Montferrand-le-Vieux",
    "Le Val-d'Orbe",
    "La Roche-Guyonne",
    "Pontarmé-sur-Loir",
    "Villeneuve-la-Forêt",
    "Chantelouve",
    "Sainte-Maure-en-Bocage",
    "Fontclaire",
    "Mirebeau-les-Bains",
    "Castelnoir",
    "Ormesson-le-Bourg",
    "Pierrefeu-sur-Auve",
    "Belvédère-en-Vallée",
    "Aigueblanche-sur-Lèze",
]

SITE_NAMES = ["Saint-Jacques", "Les Capucins", "La Roseraie", "Bellevue", "Le Val Fleuri"]
BUILDING_NAMES = [
    "Pasteur",
    "Laennec",
    "Ambroise-Paré",
    "Marie-Curie",
    "Simone-Veil",
    "Claude-Bernard",
    "Bichat",
    "Charcot",
    "Calmette",
    "Jean-Moulin",
    "Les Cèdres",
    "Les Tilleuls",
]
EHPAD_NAMES = ["Les Tilleuls", "Le Clos Fleuri", "Les Glycines", "La Source", "Les Hortensias"]

#: Establishments per scale: (kind, is_support, weight). Weight drives the
#: share of the staff and how many times the inpatient wards are repeated.
PLANS = {
    "small": [("ch", True, 10), ("ch", False, 6), ("local", False, 3)],
    "ght": [
        ("chu", True, 40),
        *[("ch", False, 12)] * 4,
        ("chs", False, 8),
        *[("local", False, 4)] * 4,
        *[("ehpad", False, 2)] * 3,
    ],
}
PEOPLE = {"small": 600, "ght": 20_000}

KIND_NAMES = {  # kind: (long name prefix, short name prefix, domain prefix)
    "chu": ("Centre hospitalier universitaire", "CHU", "chu"),
    "ch": ("Centre hospitalier", "CH", "ch"),
    "chs": ("Établissement public de santé mentale", "EPSM", "epsm"),
    "local": ("Hôpital de proximité", "HP", "hp"),
    "ehpad": ("EHPAD", "EHPAD", "ehpad"),
}

C = Job.Category
#: (code, name, category, health professional with an RPPS number)
JOBS = [
    ("medecin", "Médecin", C.MEDICAL, True),
    ("pharmacien", "Pharmacien·ne", C.MEDICAL, True),
    ("sage-femme", "Sage-femme", C.MEDICAL, True),
    ("infirmier", "Infirmier·e", C.PARAMEDICAL, False),
    ("ibode", "Infirmier·e de bloc opératoire (IBODE)", C.PARAMEDICAL, False),
    ("iade", "Infirmier·e anesthésiste (IADE)", C.PARAMEDICAL, False),
    ("puericultrice", "Infirmier·e puériculteur·rice", C.PARAMEDICAL, False),
    ("aide-soignant", "Aide-soignant·e", C.PARAMEDICAL, False),
    ("ash", "Agent·e de service hospitalier (ASH)", C.PARAMEDICAL, False),
    ("cadre-sante", "Cadre de santé", C.PARAMEDICAL, False),
    ("kine", "Masseur·se-kinésithérapeute", C.PARAMEDICAL, True),
    ("psychologue", "Psychologue", C.PARAMEDICAL, False),
    ("manip-radio", "Manipulateur·rice en électroradiologie médicale", C.PARAMEDICAL, False),
    ("preparateur", "Préparateur·rice en pharmacie", C.PARAMEDICAL, False),
    ("technicien-labo", "Technicien·ne de laboratoire", C.PARAMEDICAL, False),
    ("ama", "Assistant·e médico-administratif·ve (AMA)", C.ADMINISTRATIVE, False),
    ("agent-accueil", "Agent·e d'accueil et d'admission", C.ADMINISTRATIVE, False),
    ("adjoint-admin", "Adjoint·e administratif·ve", C.ADMINISTRATIVE, False),
    ("attache", "Attaché·e d'administration hospitalière", C.ADMINISTRATIVE, False),
    ("gestionnaire-rh", "Gestionnaire RH", C.ADMINISTRATIVE, False),
    ("directeur", "Directeur·rice d'établissement", C.ADMINISTRATIVE, False),
    ("qualiticien", "Responsable qualité et gestion des risques", C.ADMINISTRATIVE, False),
    ("ingenieur-travaux", "Ingénieur·e des services techniques", C.TECHNICAL, False),
    ("technicien-maintenance", "Technicien·ne de maintenance", C.TECHNICAL, False),
    ("agent-logistique", "Agent·e logistique", C.TECHNICAL, False),
    ("technicien-info", "Technicien·ne informatique", C.IT, False),
    ("ingenieur-systemes", "Ingénieur·e systèmes et réseaux", C.IT, False),
    ("chef-projet-si", "Chef·fe de projet SI", C.IT, False),
    ("rssi", "Responsable de la sécurité des SI (RSSI)", C.IT, False),
    ("dsi", "Directeur·rice des systèmes d'information", C.IT, False),
    ("ingenieur-biomed", "Ingénieur·e biomédical·e", C.BIOMEDICAL, False),
    ("technicien-biomed", "Technicien·ne biomédical·e", C.BIOMEDICAL, False),
]
#: Jobs whose holders get a mobile (DECT or smartphone) besides their line.
MOBILE_JOBS = {
    "medecin",
    "pharmacien",
    "sage-femme",
    "cadre-sante",
    "directeur",
    "dsi",
    "rssi",
    "technicien-info",
    "ingenieur-systemes",
    "chef-projet-si",
    "ingenieur-biomed",
    "technicien-biomed",
    "technicien-maintenance",
}
#: Jobs that work in the unit's care area and share its phone.
CARE_FLOOR_JOBS = {
    "infirmier",
    "ibode",
    "iade",
    "puericultrice",
    "aide-soignant",
    "ash",
    "sage-femme",
    "kine",
    "manip-radio",
    "technicien-labo",
    "preparateur",
}

OFFICE, CARE, OTHER, OPERATING = (
    Room.Kind.OFFICE,
    Room.Kind.CARE,
    Room.Kind.OTHER,
    Room.Kind.OPERATING,
)


class Profile(NamedTuple):
    """Who works in a unit and what rooms it has."""

    head: str
    fixed: tuple[str, ...]
    mix: tuple[tuple[str, int], ...]
    always_open: bool
    main_room: str
    #: (name, kind, count); "{n}" in the name is numbered from 1.
    rooms: tuple[tuple[str, str, int], ...] = ()
    offices: bool = False  # one office per two people


_CARE_ROOMS = (("Bureau du cadre de santé", OFFICE, 1), ("Bureau médical", OFFICE, 1))
PROFILES = {
    "emergency": Profile(
        "cadre-sante",
        ("medecin", "infirmier", "aide-soignant"),
        (
            ("infirmier", 40),
            ("aide-soignant", 25),
            ("medecin", 20),
            ("agent-accueil", 7),
            ("ama", 5),
            ("ash", 3),
        ),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Box {n}", CARE, 8), ("Salle de déchocage", CARE, 1)),
    ),
    "icu": Profile(
        "cadre-sante",
        ("medecin", "infirmier", "aide-soignant"),
        (
            ("infirmier", 50),
            ("aide-soignant", 28),
            ("medecin", 15),
            ("kine", 3),
            ("ama", 2),
            ("ash", 2),
        ),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Box {n}", CARE, 10)),
    ),
    "theatre": Profile(
        "cadre-sante",
        ("medecin", "ibode", "iade"),
        (("ibode", 30), ("iade", 20), ("aide-soignant", 20), ("medecin", 22), ("ash", 8)),
        True,
        "Régulation du bloc",
        (*_CARE_ROOMS, ("Salle d'opération {n}", OPERATING, 6)),
    ),
    "maternity": Profile(
        "cadre-sante",
        ("medecin", "sage-femme", "aide-soignant"),
        (
            ("sage-femme", 35),
            ("aide-soignant", 25),
            ("puericultrice", 12),
            ("medecin", 13),
            ("infirmier", 10),
            ("ama", 5),
        ),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Salle de naissance {n}", CARE, 3), ("Chambre {n}", CARE, 10)),
    ),
    "neonatal": Profile(
        "cadre-sante",
        ("medecin", "puericultrice"),
        (
            ("puericultrice", 45),
            ("infirmier", 20),
            ("aide-soignant", 18),
            ("medecin", 14),
            ("ama", 3),
        ),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Box {n}", CARE, 8)),
    ),
    "ward": Profile(
        "cadre-sante",
        ("medecin", "infirmier", "aide-soignant"),
        (
            ("infirmier", 38),
            ("aide-soignant", 34),
            ("ash", 8),
            ("medecin", 11),
            ("ama", 5),
            ("kine", 4),
        ),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Salle de soins", OTHER, 1), ("Chambre {n}", CARE, 14)),
    ),
    "day_hospital": Profile(
        "cadre-sante",
        ("medecin", "infirmier"),
        (("infirmier", 45), ("medecin", 20), ("aide-soignant", 20), ("ama", 15)),
        False,
        "Accueil",
        (*_CARE_ROOMS, ("Box {n}", CARE, 6)),
    ),
    "consultation": Profile(
        "cadre-sante",
        ("medecin", "ama"),
        (("medecin", 35), ("ama", 35), ("infirmier", 22), ("aide-soignant", 8)),
        False,
        "Secrétariat",
        (*_CARE_ROOMS, ("Box de consultation {n}", CARE, 5)),
    ),
    "imaging": Profile(
        "cadre-sante",
        ("medecin", "manip-radio"),
        (("manip-radio", 55), ("medecin", 18), ("ama", 20), ("aide-soignant", 7)),
        True,
        "Accueil et secrétariat",
        (*_CARE_ROOMS, ("Salle d'examen {n}", CARE, 4), ("Salle d'interprétation", OFFICE, 1)),
    ),
    "lab": Profile(
        "cadre-sante",
        ("medecin", "technicien-labo"),
        (("technicien-labo", 65), ("medecin", 10), ("pharmacien", 4), ("adjoint-admin", 21)),
        True,
        "Réception des prélèvements",
        (*_CARE_ROOMS, ("Plateau technique {n}", OTHER, 2)),
    ),
    "pharmacy": Profile(
        "pharmacien",
        ("preparateur",),
        (("preparateur", 60), ("pharmacien", 22), ("adjoint-admin", 18)),
        False,
        "Dispensation",
        (("Bureau des pharmaciens", OFFICE, 1), ("Zone de préparation", OTHER, 1)),
    ),
    "psy_ward": Profile(
        "cadre-sante",
        ("medecin", "infirmier"),
        (
            ("infirmier", 55),
            ("aide-soignant", 14),
            ("medecin", 11),
            ("psychologue", 8),
            ("ama", 6),
            ("ash", 6),
        ),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Chambre {n}", CARE, 12)),
    ),
    "psy_outpatient": Profile(
        "cadre-sante",
        ("medecin", "infirmier"),
        (("infirmier", 40), ("psychologue", 25), ("medecin", 15), ("ama", 20)),
        False,
        "Accueil",
        (*_CARE_ROOMS, ("Bureau de consultation {n}", CARE, 4)),
    ),
    "nursing_home": Profile(
        "cadre-sante",
        ("medecin", "infirmier", "aide-soignant"),
        (("aide-soignant", 55), ("infirmier", 18), ("ash", 22), ("medecin", 3), ("kine", 2)),
        True,
        "Poste de soins",
        (*_CARE_ROOMS, ("Chambre {n}", CARE, 16)),
    ),
    "direction": Profile(
        "directeur",
        (),
        (("adjoint-admin", 60), ("attache", 40)),
        False,
        "Secrétariat de direction",
        offices=True,
    ),
    "admissions": Profile(
        "attache",
        ("agent-accueil",),
        (("agent-accueil", 80), ("adjoint-admin", 20)),
        False,
        "Accueil – admissions",
        offices=True,
    ),
    "admin": Profile(
        "attache", (), (("adjoint-admin", 85), ("attache", 15)), False, "Accueil", offices=True
    ),
    "hr": Profile(
        "attache",
        (),
        (("gestionnaire-rh", 80), ("adjoint-admin", 20)),
        False,
        "Accueil DRH",
        offices=True,
    ),
    "quality": Profile(
        "qualiticien",
        (),
        (("qualiticien", 50), ("adjoint-admin", 50)),
        False,
        "Secrétariat",
        offices=True,
    ),
    "dsi": Profile(
        "dsi",
        (
            "technicien-info",
            "technicien-info",
            "ingenieur-systemes",
            "ingenieur-systemes",
            "chef-projet-si",
            "chef-projet-si",
            "rssi",
        ),
        (
            ("technicien-info", 45),
            ("ingenieur-systemes", 28),
            ("chef-projet-si", 22),
            ("adjoint-admin", 5),
        ),
        False,
        "Plateau du centre de services",
        offices=True,
    ),
    "it_local": Profile(
        "technicien-info",
        (),
        (("technicien-info", 85), ("ingenieur-systemes", 15)),
        False,
        "Atelier informatique",
        offices=True,
    ),
    "biomed": Profile(
        "ingenieur-biomed",
        ("technicien-biomed",),
        (("technicien-biomed", 75), ("ingenieur-biomed", 12), ("adjoint-admin", 13)),
        False,
        "Atelier biomédical",
        offices=True,
    ),
    "technical": Profile(
        "ingenieur-travaux",
        ("technicien-maintenance",),
        (("technicien-maintenance", 60), ("agent-logistique", 40)),
        False,
        "Atelier",
        offices=True,
    ),
}

#: Business calendars (the SLA part defines them) for units that close.
CARE_CALENDAR = "weekdays-08-18"
OFFICE_CALENDAR = "weekdays-08-17"

POLES = {
    "urg": "Pôle Urgences – Réanimation – Soins critiques",
    "chir": "Pôle Chirurgie – Bloc opératoire – Anesthésie",
    "fme": "Pôle Femme – Mère – Enfant",
    "med": "Pôle Médecine",
    "ger": "Pôle Gériatrie – Autonomie",
    "psy": "Pôle Psychiatrie – Santé mentale",
    "mt": "Pôle Médico-technique",
    "adm": "Pôle Administration – Logistique",
}


class Unit(NamedTuple):
    name: str
    criticality: int
    profile: str
    weight: float
    repeat: bool = False  # repeated (A, B, C…) in large establishments
    kinds: frozenset[str] | None = None  # narrower than the service's


class ServiceSpec(NamedTuple):
    code: str
    name: str
    pole: str
    kinds: frozenset[str]
    units: tuple[Unit, ...]
    #: True: support establishment only; False: all but the support one.
    support: bool | None = None


def _k(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


ACUTE = _k("chu", "ch")
CHU = _k("chu")
ALL = _k("chu", "ch", "chs", "local", "ehpad")
HOSPITALS = _k("chu", "ch", "chs", "local")

SERVICES = [
    ServiceSpec(
        "URG",
        "Urgences",
        "urg",
        ACUTE,
        (
            Unit("Urgences adultes", LC, "emergency", 2.0),
            Unit("Urgences pédiatriques", LC, "emergency", 0.8, kinds=CHU),
            Unit("Unité d'hospitalisation de courte durée (UHCD)", HIGH, "ward", 0.8),
            Unit("SMUR", LC, "emergency", 0.6),
        ),
    ),
    ServiceSpec(
        "REA",
        "Réanimation",
        "urg",
        ACUTE,
        (
            Unit("Réanimation polyvalente", LC, "icu", 1.5),
            Unit("Réanimation chirurgicale", LC, "icu", 1.2, kinds=CHU),
            Unit("Unité de surveillance continue", LC, "icu", 1.0),
        ),
    ),
    ServiceSpec(
        "CAR",
        "Cardiologie",
        "med",
        ACUTE,
        (
            Unit("Soins intensifs de cardiologie (USIC)", LC, "icu", 1.0),
            Unit("Cardiologie – hospitalisation", HIGH, "ward", 1.0, repeat=True),
            Unit("Consultations de cardiologie", MEDIUM, "consultation", 0.4),
        ),
    ),
    ServiceSpec(
        "BLOC",
        "Bloc opératoire",
        "chir",
        ACUTE,
        (
            Unit("Bloc opératoire central", LC, "theatre", 2.0),
            Unit("Salle de surveillance post-interventionnelle (SSPI)", LC, "icu", 0.8),
            Unit("Chirurgie ambulatoire", MEDIUM, "day_hospital", 0.7),
        ),
    ),
    ServiceSpec(
        "ANE",
        "Anesthésie",
        "chir",
        ACUTE,
        (Unit("Consultations d'anesthésie", MEDIUM, "consultation", 0.4),),
    ),
    ServiceSpec(
        "CHV",
        "Chirurgie viscérale et digestive",
        "chir",
        ACUTE,
        (
            Unit("Chirurgie viscérale – hospitalisation", HIGH, "ward", 1.0, repeat=True),
            Unit("Consultations de chirurgie viscérale", MEDIUM, "consultation", 0.3),
        ),
    ),
    ServiceSpec(
        "ORT",
        "Chirurgie orthopédique et traumatologique",
        "chir",
        ACUTE,
        (
            Unit("Orthopédie – hospitalisation", HIGH, "ward", 1.0, repeat=True),
            Unit("Consultations d'orthopédie", MEDIUM, "consultation", 0.3),
        ),
    ),
    ServiceSpec(
        "NCH",
        "Neurochirurgie",
        "chir",
        CHU,
        (Unit("Neurochirurgie – hospitalisation", HIGH, "ward", 1.0),),
    ),
    ServiceSpec(
        "GYN",
        "Gynécologie-obstétrique",
        "fme",
        ACUTE,
        (
            Unit("Salle de naissance", LC, "maternity", 1.2),
            Unit("Maternité", LC, "maternity", 1.0),
            Unit("Consultations de gynécologie-obstétrique", MEDIUM, "consultation", 0.4),
        ),
    ),
    ServiceSpec(
        "NEO",
        "Néonatologie",
        "fme",
        ACUTE,
        (
            Unit("Néonatologie", LC, "neonatal", 1.0),
            Unit("Réanimation néonatale", LC, "neonatal", 1.0, kinds=CHU),
        ),
    ),
    ServiceSpec(
        "PED",
        "Pédiatrie",
        "fme",
        ACUTE,
        (
            Unit("Pédiatrie – hospitalisation", HIGH, "ward", 1.0),
            Unit("Consultations de pédiatrie", MEDIUM, "consultation", 0.3),
        ),
    ),
    ServiceSpec(
        "MIN",
        "Médecine interne",
        "med",
        ACUTE,
        (
            Unit("Médecine interne – hospitalisation", HIGH, "ward", 1.0, repeat=True),
            Unit("Consultations de médecine interne", MEDIUM, "consultation", 0.3),
        ),
    ),
    ServiceSpec(
        "MPO",
        "Médecine polyvalente",
        "med",
        _k("local"),
        (
            Unit("Médecine polyvalente", HIGH, "ward", 1.0),
            Unit("Consultations avancées", MEDIUM, "consultation", 0.3),
        ),
    ),
    ServiceSpec(
        "PNE",
        "Pneumologie",
        "med",
        ACUTE,
        (Unit("Pneumologie – hospitalisation", HIGH, "ward", 1.0, repeat=True),),
    ),
    ServiceSpec(
        "GAS",
        "Hépato-gastro-entérologie",
        "med",
        ACUTE,
        (
            Unit("Gastro-entérologie – hospitalisation", HIGH, "ward", 1.0),
            Unit("Endoscopies digestives", MEDIUM, "day_hospital", 0.5),
        ),
    ),
    ServiceSpec(
        "NEU",
        "Neurologie",
        "med",
        ACUTE,
        (
            Unit("Unité neurovasculaire (USINV)", LC, "icu", 0.8),
            Unit("Neurologie – hospitalisation", HIGH, "ward", 1.0),
        ),
    ),
    ServiceSpec(
        "NEP",
        "Néphrologie",
        "med",
        ACUTE,
        (
            Unit("Hémodialyse", HIGH, "day_hospital", 0.8),
            Unit("Néphrologie – hospitalisation", HIGH, "ward", 0.8),
        ),
    ),
    ServiceSpec(
        "ONC",
        "Oncologie",
        "med",
        ACUTE,
        (
            Unit("Hôpital de jour d'oncologie", HIGH, "day_hospital", 0.8),
            Unit("Oncologie – hospitalisation", HIGH, "ward", 1.0),
        ),
    ),
    ServiceSpec(
        "GER",
        "Gériatrie",
        "ger",
        _k("chu", "ch", "local"),
        (
            Unit("Court séjour gériatrique", HIGH, "ward", 1.0, repeat=True),
            Unit("Soins médicaux et de réadaptation (SMR)", HIGH, "ward", 1.0, repeat=True),
            Unit("Consultations mémoire", MEDIUM, "consultation", 0.3, kinds=ACUTE),
        ),
    ),
    ServiceSpec(
        "USLD",
        "Soins de longue durée",
        "ger",
        _k("ch", "local"),
        (Unit("Unité de soins de longue durée (USLD)", HIGH, "nursing_home", 1.0),),
    ),
    ServiceSpec(
        "EHP",
        "Hébergement EHPAD",
        "ger",
        _k("local", "ehpad"),
        (
            Unit("EHPAD – hébergement", HIGH, "nursing_home", 1.5, repeat=True),
            Unit("Unité protégée Alzheimer", HIGH, "nursing_home", 0.8),
        ),
    ),
    ServiceSpec(
        "PSY",
        "Psychiatrie adulte",
        "psy",
        _k("chu", "ch", "chs"),
        (
            Unit("Psychiatrie adulte – admission", HIGH, "psy_ward", 1.0, repeat=True),
            Unit("Unité de soins intensifs psychiatriques (USIP)", HIGH, "psy_ward", 0.8),
            Unit("Centre médico-psychologique (CMP)", MEDIUM, "psy_outpatient", 0.5, True),
            Unit("Hôpital de jour de psychiatrie", MEDIUM, "psy_outpatient", 0.5),
        ),
    ),
    ServiceSpec(
        "PDO",
        "Pédopsychiatrie",
        "psy",
        _k("chu", "chs"),
        (
            Unit("Pédopsychiatrie – hospitalisation", HIGH, "psy_ward", 0.8),
            Unit("CMP enfants et adolescents", MEDIUM, "psy_outpatient", 0.4),
        ),
    ),
    ServiceSpec(
        "IMG",
        "Imagerie médicale",
        "mt",
        ACUTE,
        (
            Unit("Radiologie conventionnelle", HIGH, "imaging", 1.0),
            Unit("Scanner et IRM", HIGH, "imaging", 1.0),
            Unit("Radiologie interventionnelle", HIGH, "imaging", 0.6, kinds=CHU),
        ),
    ),
    ServiceSpec(
        "LAB",
        "Laboratoire de biologie médicale",
        "mt",
        ACUTE,
        (
            Unit("Biochimie et hématologie", HIGH, "lab", 1.0),
            Unit("Microbiologie", HIGH, "lab", 0.6, kinds=CHU),
        ),
    ),
    ServiceSpec(
        "PHA",
        "Pharmacie à usage intérieur",
        "mt",
        HOSPITALS,
        (
            Unit("Pharmacie", HIGH, "pharmacy", 0.8),
            Unit("Stérilisation centrale", MEDIUM, "pharmacy", 0.6, kinds=ACUTE),
        ),
    ),
    ServiceSpec(
        "DIR",
        "Direction générale",
        "adm",
        ALL,
        (Unit("Direction générale", LOW, "direction", 0.4),),
    ),
    ServiceSpec(
        "AFF",
        "Affaires financières et clientèle",
        "adm",
        ALL,
        (
            Unit("Bureau des admissions", LOW, "admissions", 0.6),
            Unit("Facturation", LOW, "admin", 0.5, kinds=HOSPITALS),
        ),
    ),
    ServiceSpec(
        "DRH",
        "Ressources humaines",
        "adm",
        HOSPITALS,
        (Unit("Direction des ressources humaines (DRH)", LOW, "hr", 0.5),),
    ),
    ServiceSpec(
        "QUA",
        "Qualité et gestion des risques",
        "adm",
        _k("chu", "ch", "chs"),
        (Unit("Qualité et gestion des risques", LOW, "quality", 0.2),),
    ),
    ServiceSpec(
        "DSI",
        "Direction du numérique",
        "adm",
        ALL,
        (Unit("Direction des systèmes d'information (DSI)", LOW, "dsi", 2.5),),
        support=True,
    ),
    ServiceSpec(
        "INF",
        "Informatique de proximité",
        "adm",
        HOSPITALS,
        (Unit("Informatique de proximité", LOW, "it_local", 0.06),),
        support=False,
    ),
    ServiceSpec(
        "BIO",
        "Ingénierie biomédicale",
        "adm",
        ACUTE,
        (Unit("Ingénierie biomédicale", LOW, "biomed", 0.3),),
    ),
    ServiceSpec(
        "TEC",
        "Services techniques et logistique",
        "adm",
        HOSPITALS,
        (
            Unit("Services techniques", LOW, "technical", 0.8),
            Unit("Logistique et magasin", LOW, "technical", 0.6, kinds=ACUTE),
        ),
    ),
]

#: GHT-wide teams of the shared IT department: (code, name, jobs of members).
DSI_TEAMS = [
    ("dsi-centre-de-services", "Centre de services", "Niveau 1 : appels, tickets, accès."),
    ("dsi-reseau", "Réseau et télécoms", "Réseaux, Wi-Fi, téléphonie, pare-feux."),
    ("dsi-systemes", "Systèmes et hébergement", "Serveurs, stockage, sauvegardes."),
    ("dsi-postes-de-travail", "Postes de travail", "Postes, imprimantes, périphériques."),
    ("dsi-applications", "Applications métier", "DPI, PACS, SIL et applications."),
    ("biomedical", "Ingénierie biomédicale", "Dispositifs médicaux et GMAO."),
]
