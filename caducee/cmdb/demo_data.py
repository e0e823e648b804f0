"""Reference lists for the CMDB demo (see ``caducee.cmdb.demo``): suppliers,
IT hardware and the application portfolio of a French GHT.

Suppliers and software products are invented (generic French names), so a
demo contract with its made-up terms is never mistaken for a real vendor's;
IT hardware carries the manufacturer and model names any hospital inventory
shows. Each application says which care units use it with usage tokens
(space-separated):

* ``*`` every unit, ``care`` every clinical unit, ``inpatient`` units with
  beds, ``acute`` emergency, intensive care, operating theatres and births;
* ``p:<profile>`` units of that staffing profile (``caducee.org.demo_data``);
* ``s:<code>`` units of that service (``URG``, ``LAB``, ``BLOC``…).
"""

from __future__ import annotations

from typing import NamedTuple


class SupplierSpec(NamedTuple):
    name: str
    kind: str  # software, it, biomedical, hosting, qc
    city: str


SUPPLIERS = {
    "hippocrate": SupplierSpec("Hippocrate Santé Logiciels", "software", "Nantes"),
    "axone": SupplierSpec("Axone Informatique Hospitalière", "software", "Rennes"),
    "labsys": SupplierSpec("Labsys Biologie Numérique", "software", "Lyon"),
    "imagis": SupplierSpec("Imagis Santé", "software", "Toulouse"),
    "officine": SupplierSpec("Officine Numérique Hospitalière", "software", "Lille"),
    "bloc": SupplierSpec("Bloc et Anesthésie Systèmes", "software", "Bordeaux"),
    "vigie": SupplierSpec("Vigie Monitorage Logiciels", "software", "Grenoble"),
    "hemovigie": SupplierSpec("Hémovigie Systèmes", "software", "Strasbourg"),
    "sirius": SupplierSpec("Sirius Gestion Publique", "software", "Montpellier"),
    "atlantique": SupplierSpec("Éditions Logicielles Santé Atlantique", "software", "La Rochelle"),
    "interop": SupplierSpec("Interop Santé Intégration", "software", "Paris"),
    "messagerie": SupplierSpec("Messagerie et Collaboration Ouest", "software", "Angers"),
    "postes": SupplierSpec("Postes et Périphériques Santé Ouest", "it", "Le Mans"),
    "impression": SupplierSpec("Impression Gérée Hospitalière", "it", "Tours"),
    "reseaux": SupplierSpec("Réseaux et Télécoms Hospitaliers", "it", "Orléans"),
    "datacentre": SupplierSpec("Infrastructures Datacentre Services", "it", "Nanterre"),
    "telephonie": SupplierSpec("Téléphonie Santé Services", "it", "Caen"),
    "hds": SupplierSpec("Hébergement Santé Certifié", "hosting", "Lille"),
    "biomed-ouest": SupplierSpec("Biomédical Services Ouest", "biomedical", "Angers"),
    "monitorage": SupplierSpec("Monitorage Clinique Maintenance", "biomedical", "Nantes"),
    "perfusion": SupplierSpec("Perfusion Technologies Services", "biomedical", "Limoges"),
    "ventilation": SupplierSpec("Ventilation Assistance Médicale", "biomedical", "Clermont"),
    "imagerie": SupplierSpec("Imagerie Médicale Maintenance", "biomedical", "Poitiers"),
    "dialyse": SupplierSpec("Dialyse Équipements Services", "biomedical", "Dijon"),
    "cqdm": SupplierSpec("Contrôle Qualité Dispositifs Médicaux", "qc", "Nancy"),
}


class Hardware(NamedTuple):
    manufacturer: str
    model: str
    serial_prefix: str
    detail: str = ""  # processor, firmware…
    ports: int = 0


WORKSTATIONS = {
    "desktop": [
        Hardware("Dell", "OptiPlex 7010 Micro", "DL", "Intel Core i5-13500T"),
        Hardware("HP", "EliteDesk 800 G6 Mini", "CZC", "Intel Core i5-10500T"),
        Hardware("Lenovo", "ThinkCentre M70q Gen 3", "MJ", "Intel Core i5-12400T"),
    ],
    "laptop": [
        Hardware("Dell", "Latitude 5440", "DL", "Intel Core i5-1345U"),
        Hardware("HP", "EliteBook 840 G9", "5CG", "Intel Core i5-1245U"),
    ],
    "thin_client": [Hardware("HP", "t640 Thin Client", "CZC", "AMD Ryzen R1505G")],
    "cart": [Hardware("Dell", "OptiPlex 7000 Micro (chariot)", "DL", "Intel Core i5-12500T")],
}
WINDOWS = [("Windows 10 Entreprise", "22H2"), ("Windows 11 Entreprise", "23H2")]

PRINTERS = {
    "laser": [
        Hardware("HP", "LaserJet Pro 4002dn", "PHB"),
        Hardware("Brother", "HL-L6210DW", "E7"),
    ],
    "multifunction": [
        Hardware("Kyocera", "ECOSYS M3655idn", "VCF"),
        Hardware("Ricoh", "IM C3010", "3100", "color"),
    ],
    "label": [Hardware("Zebra", "ZD421d", "D4J"), Hardware("Brother", "QL-820NWB", "U6")],
    "wristband": [Hardware("Zebra", "ZD510-HC", "D5J")],
}

PHONES = {
    "dect": [
        Hardware("Ascom", "d63 Messenger", "AS"),
        Hardware("Alcatel-Lucent", "8254 DECT Handset", "AL"),
    ],
    "smartphone": [Hardware("Samsung", "Galaxy XCover 6 Pro", "R5")],
    # Wi-Fi handsets shared by the care team (alarms, nurse call, calls).
    "care": [Hardware("Spectralink", "Versity 9540", "SV"), Hardware("Ascom", "Myco 4", "AM")],
}

#: Network vendors: one per establishment, with its model per role.
NETWORK_VENDORS = [
    {
        "core": Hardware("Cisco", "Catalyst 9500-48Y4C", "FCW", "17.9.4", 48),
        "distribution": Hardware("Cisco", "Catalyst 9300-24S", "FOC", "17.9.4", 24),
        "access": Hardware("Cisco", "Catalyst 9200L-48P-4G", "JAE", "17.9.4", 48),
        "wifi": Hardware("Cisco", "Catalyst 9120AXI", "FJC", "17.9.4", 1),
        "controller": Hardware("Cisco", "Catalyst 9800-40", "TTM", "17.9.4", 4),
        "router": Hardware("Cisco", "ISR 4331", "FLM", "17.6.5", 3),
    },
    {
        "core": Hardware("Aruba", "CX 8360-32Y4C", "SG", "10.13.1000", 32),
        "distribution": Hardware("Aruba", "CX 6300M 24SFP+", "SG", "10.13.1000", 24),
        "access": Hardware("Aruba", "CX 6200F 48G Class4 PoE", "SG", "10.13.1000", 48),
        "wifi": Hardware("Aruba", "AP-515", "CNL", "8.11.2.1", 1),
        "controller": Hardware("Aruba", "7210 Mobility Controller", "CZ", "8.11.2.1", 4),
        "router": Hardware("Aruba", "EdgeConnect EC-XS", "EC", "9.3.2", 6),
    },
]
FIREWALL = Hardware("Stormshield", "SN3100", "SN31", "4.7.4", 16)
#: VLANs of a hospital LAN: management, workstations, printers, phones,
#: biomedical devices (isolated), Wi-Fi, servers.
VLANS = {"core": "1, 10, 20, 30, 40, 50, 100", "access": "10, 20, 30, 40", "wifi": "50"}

SERVER_PHYSICAL = [
    Hardware("Dell", "PowerEdge R750", "DL", "Intel Xeon Gold 6338", 32),
    Hardware("HPE", "ProLiant DL380 Gen10 Plus", "CZJ", "Intel Xeon Gold 6330", 28),
]
SERVER_OS = {
    "windows": [("Windows Server 2019 Standard", "1809"), ("Windows Server 2022 Standard", "21H2")],
    "linux": [("Red Hat Enterprise Linux", "8.9"), ("Red Hat Enterprise Linux", "9.3")],
}
HYPERVISOR = "VMware vSphere 8.0"
DB_VERSIONS = {"oracle": "19c", "sqlserver": "2019", "postgresql": "15", "mysql": "10.11"}
#: Server roles in hostnames: what the server does for its application.
SERVER_ROLES = {
    "APP": "serveur d'application",
    "WEB": "serveur web",
    "BDD": "serveur de base de données",
    "INT": "moteur d'interfaces",
    "STO": "stockage des images",
    "DC": "contrôleur de domaine",
    "BKP": "serveur de sauvegarde",
}
#: Roles whose servers are physical (storage and backup need their disks).
PHYSICAL_ROLES = {"STO", "BKP"}


class AppSpec(NamedTuple):
    code: str
    name: str
    publisher: str  # key of SUPPLIERS
    users: str  # usage tokens (module docstring); "" = infrastructure, no unit
    criticality: int
    servers: str  # roles, e.g. "APP APP WEB BDD"; "" when hosted elsewhere
    engine: str  # database engine, "" when none of its own
    depends: str  # codes of the applications it needs
    #: hds (holds health data), 24/7 or extended (support hours), large
    #: (large demo only), saas or hdshost (hosting)
    flags: str = ""
    annual: int = 30_000  # support contract, euros a year

    def has(self, flag: str) -> bool:
        return flag in self.flags.split()


A = AppSpec
# One application per two lines reads better as a table than one argument per line.
# fmt: off
#: The GHT's shared application portfolio, hosted in the support establishment.
APPLICATIONS = [
    A("AD", "Annuaire et authentification (Active Directory)", "interop", "", 4, "DC DC", "", "",
      "24/7", 15_000),
    A("EAI", "Plateforme d'interopérabilité (passerelle HL7)", "interop", "", 4, "INT INT",
      "postgresql", "AD", "hds 24/7", 45_000),
    A("DPI", "DPI – Hippocrate Dossier patient", "hippocrate", "care", 4,
      "APP APP APP WEB WEB BDD", "oracle", "AD EAI GAM", "hds 24/7", 420_000),
    A("GAM", "GAM – Axone Admissions et facturation", "axone", "*", 4, "APP APP BDD", "oracle",
      "AD EAI", "hds 24/7", 180_000),
    A("LITS", "Gestion des lits et des flux patients", "axone", "inpatient acute p:admissions",
      3, "APP", "sqlserver", "GAM", "hds large"),
    A("SIL", "SIL – Labsys Biologie", "labsys", "s:LAB", 4, "APP APP BDD", "oracle", "AD EAI",
      "hds 24/7", 120_000),
    A("RESBIO", "Serveur de résultats de biologie", "labsys", "care", 3, "WEB", "postgresql",
      "SIL", "hds large"),
    A("PACS", "PACS – Imagis Archivage d'images", "imagis", "care", 4,
      "APP APP STO BDD", "oracle", "EAI", "hds 24/7", 160_000),
    A("RIS", "RIS – Imagis Radiologie", "imagis", "p:imaging", 3, "APP BDD", "sqlserver",
      "PACS EAI", "hds", 60_000),
    A("PHARMA", "Pharmacie – Officine Dispensation", "officine", "p:pharmacy inpatient", 4,
      "APP BDD", "sqlserver", "DPI EAI", "hds 24/7", 70_000),
    A("AUTOMATE", "Armoires et automates de dispensation", "officine",
      "p:pharmacy p:icu p:emergency", 3, "APP", "sqlserver", "PHARMA", "hds large"),
    A("BLOC", "Planification du bloc opératoire", "bloc", "s:BLOC s:ANE", 4, "APP BDD",
      "sqlserver", "DPI GAM", "hds 24/7", 55_000),
    A("ANES", "Dossier d'anesthésie", "bloc", "s:BLOC s:ANE", 4, "APP", "sqlserver", "BLOC DPI",
      "hds 24/7", 35_000),
    A("CSV", "Centrale de surveillance des moniteurs", "vigie", "acute", 4, "APP APP", "", "EAI",
      "hds 24/7", 40_000),
    A("PERF", "Serveur des pompes à perfusion (bibliothèque de médicaments)", "vigie",
      "inpatient acute", 4, "APP", "sqlserver", "", "hds 24/7", 20_000),
    A("ECG", "Gestion des électrocardiogrammes", "vigie", "acute inpatient s:CAR", 3, "APP",
      "sqlserver", "EAI", "hds"),
    A("SANG", "Traçabilité transfusionnelle (banque du sang)", "hemovigie", "acute inpatient s:LAB",
      4, "APP BDD", "oracle", "SIL GAM", "hds 24/7", 35_000),
    A("URGDOS", "Dossier des urgences", "hippocrate", "s:URG", 4, "APP", "", "DPI", "hds 24/7"),
    A("PERINAT", "Dossier de périnatalité", "hippocrate", "s:GYN s:NEO", 4, "APP", "", "DPI",
      "hds large"),
    A("DIAL", "Dossier de dialyse", "atlantique", "s:NEP", 3, "APP", "sqlserver", "DPI",
      "hds large"),
    A("CHIMIO", "Prescription des chimiothérapies", "officine", "s:ONC p:pharmacy", 4, "APP",
      "oracle", "DPI PHARMA", "hds large"),
    A("PSY", "Suivi des soins sans consentement", "atlantique", "s:PSY s:PDO", 3, "APP",
      "postgresql", "DPI", "hds large"),
    A("EHPADSOINS", "Dossier de soins en EHPAD", "atlantique", "p:nursing_home", 3, "", "", "",
      "hds hdshost large"),
    A("PMSI", "Codage PMSI et information médicale", "axone", "care", 2, "APP", "oracle",
      "DPI GAM", "hds large"),
    A("DICTEE", "Dictée numérique et reconnaissance vocale", "atlantique",
      "p:consultation p:imaging inpatient", 2, "APP", "sqlserver", "DPI", "hds large"),
    A("MSS", "Messagerie sécurisée de santé (MSSanté)", "messagerie", "care", 2, "", "", "AD",
      "hds hdshost large"),
    A("MAIL", "Messagerie collaborative", "messagerie", "*", 3, "APP APP", "", "AD", "extended",
      25_000),
    A("INTRA", "Intranet et gestion documentaire", "atlantique", "*", 2, "WEB", "postgresql",
      "AD", "large"),
    A("EI", "Déclaration des événements indésirables", "atlantique", "*", 2, "WEB", "postgresql",
      "AD", "large"),
    A("GTT", "Gestion du temps de travail et plannings", "sirius", "*", 2, "APP", "oracle",
      "AD RH", "", 40_000),
    A("RH", "Ressources humaines, paie et portail agent", "sirius", "*", 2,
      "APP BDD", "oracle", "AD", "", 90_000),
    A("GEF", "Gestion économique et financière", "sirius",
      "p:direction p:admin p:pharmacy p:technical", 2, "APP BDD", "oracle", "AD", "", 75_000),
    A("REPAS", "Commande des repas", "atlantique", "inpatient p:day_hospital", 2, "APP",
      "sqlserver", "GAM",
      "large"),
    A("BRANC", "Gestion du brancardage", "axone", "inpatient p:imaging p:emergency", 2, "APP",
      "sqlserver", "GAM", "large"),
    A("STERI", "Traçabilité de la stérilisation", "bloc", "p:theatre p:pharmacy", 3, "APP",
      "sqlserver", "", "large"),
    A("GMAOBIO", "GMAO biomédicale et demandes d'intervention", "atlantique", "p:biomed care", 2,
      "APP", "postgresql", "AD",
      "large"),
    A("GMAOTEC", "GMAO technique et bons de travaux", "atlantique", "*", 1, "APP",
      "postgresql", "AD", "large"),
    A("CADUCEE", "Caducée – centre de services", "interop", "*", 3, "APP", "postgresql", "AD",
      "extended", 12_000),
    A("IMPR", "Impression sécurisée (libération par badge)", "impression", "", 2, "APP APP",
      "sqlserver", "AD", "", 20_000),
    A("IPBX", "Téléphonie sur IP et DECT", "telephonie", "*", 4, "APP APP", "", "", "24/7",
      30_000),
    A("APPEL", "Système d'appel malade", "telephonie", "inpatient", 3, "APP", "", "IPBX",
      "large"),
    A("TELEMED", "Plateforme de télé-expertise", "atlantique",
      "p:consultation p:nursing_home p:emergency", 2, "", "", "", "hds saas large"),
    A("PORTAIL", "Portail patient (prise de rendez-vous)", "axone", "p:consultation", 2, "", "",
      "GAM", "hds hdshost large"),
    A("SAUV", "Sauvegarde et restauration", "datacentre", "", 4, "BKP BKP", "", "", "hds 24/7",
      50_000),
    A("SUPERV", "Supervision de l'infrastructure", "datacentre", "p:dsi", 3, "APP", "postgresql",
      "AD", "large"),
    A("ANTIVIR", "Console antivirus et EDR", "datacentre", "p:dsi", 3, "APP", "sqlserver", "AD",
      "large"),
    A("VDI", "Publication d'applications (bureaux virtuels)", "datacentre", "*", 4,
      "APP APP APP", "", "AD", "hds 24/7 large", 60_000),
]
# fmt: on

#: Applications each establishment runs itself: (name, usage tokens).
LOCAL_APPLICATIONS = [
    ("Gestion des archives médicales", "p:admissions care"),
    ("Réservation de salles et de véhicules", "*"),
    ("Suivi des déchets d'activités de soins (DASRI)", "care p:technical"),
    ("Gestion des transports sanitaires", "care p:admissions"),
    ("Traçabilité du linge", "inpatient p:technical"),
    ("Tableau de bord d'activité", "p:direction p:admin"),
    ("Gestion des réclamations des usagers", "p:quality p:direction"),
    ("Suivi des formations", "p:hr"),
    ("Dossier de santé au travail", "p:hr"),
    ("Contrôle d'accès et badges", "p:technical acute"),
    ("Gestion technique du bâtiment", "p:technical"),
    ("Sécurité incendie", "p:technical"),
    ("Nutrition et pesée", "inpatient"),
    ("Éducation thérapeutique", "p:consultation p:day_hospital"),
    ("Suivi des essais cliniques", "p:consultation s:ONC"),
    ("Traçabilité des dispositifs implantables", "p:theatre p:pharmacy"),
    ("Gestion des gardes et astreintes", "*"),
    ("Registre des contentions et isolements", "s:PSY s:PDO"),
    ("Suivi des plaies et cicatrisation", "inpatient"),
    ("Gestion des consultations externes", "p:consultation"),
    ("Planification des rendez-vous d'imagerie", "p:imaging"),
    ("Commandes au magasin et à la pharmacie", "*"),
    ("Suivi des vaccinations du personnel", "p:hr"),
    ("Gestion des clés et casiers", "p:technical"),
    ("Évaluation des pratiques professionnelles", "p:quality care"),
    ("Gestion des bons de commande", "*"),
    ("Annuaire téléphonique interne", "*"),
    ("Agenda partagé des consultations", "p:consultation"),
    ("Suivi de la douleur", "inpatient"),
    ("Gestion des lits d'aval", "p:emergency inpatient"),
    ("Tableau de bord des urgences", "p:emergency"),
    ("Gestion de la chaîne du froid", "p:pharmacy s:LAB"),
    ("Suivi des prélèvements", "s:LAB inpatient"),
    ("Gestion des écoles et stagiaires", "p:hr"),
    ("Gestion des dons et legs", "p:direction"),
    ("Suivi des activités sociales", "p:hr"),
    ("Cotation des actes infirmiers", "inpatient"),
    ("Gestion du courrier", "p:admin p:direction"),
    ("Inventaire du patrimoine", "p:admin p:technical"),
    ("Gestion des interprètes", "care p:admissions"),
    ("Suivi des chutes", "inpatient"),
    ("Gestion des prothèses dentaires et auditives", "inpatient p:nursing_home"),
    ("Suivi des animations", "p:nursing_home"),
    ("Tableau de bord qualité", "p:quality p:direction"),
    ("Gestion des visites et accompagnants", "inpatient p:admissions"),
]
#: How many local applications each kind of establishment runs, per scale.
LOCAL_APP_COUNTS = {
    "small": {"chu": 6, "ch": 4, "chs": 3, "local": 2, "ehpad": 1},
    "ght": {"chu": 45, "ch": 33, "chs": 20, "local": 10, "ehpad": 5},
}
LOCAL_PUBLISHERS = ["atlantique", "axone", "sirius", "interop"]
