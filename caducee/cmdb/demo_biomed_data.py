"""Reference lists for the biomedical part of the CMDB demo (see
``caducee.cmdb.demo_biomed``): device models, what each kind of care unit
holds, maintenance plans and device-vigilance cases.

Manufacturers, trade names and nomenclature codes are invented ("GMDN-like":
the real GMDN is licensed), so a demo maintenance frequency is never read as
a real manufacturer's instruction. Classes follow the EU MDR 2017/745 rules
a biomedical engineer expects (a bed is class I, a ventilator IIb). Each
model says how it reaches the network (wired to the floor's access switch,
Wi-Fi, or not at all), whether it is patient-safety-critical in a
life-critical unit, which application it feeds, who maintains it and how
often (preventive maintenance, external quality control).
"""

from __future__ import annotations

from typing import NamedTuple


class DeviceModel(NamedTuple):
    manufacturer: str
    model: str
    common_name: str
    device_class: str
    gmdn_code: str
    gmdn_term: str
    network: str  # "wired", "wifi" or "" (standalone)
    #: "safety" (patient-safety-critical where lives depend on it), "hds"
    #: (stores patient data)
    flags: str
    application: str  # code of the application it sends data to, or ""
    maintainer: str  # supplier key (caducee.cmdb.demo_data.SUPPLIERS)
    #: Preventive maintenance: months, and who does it ("team" or "supplier").
    preventive: tuple[int, str]
    external_qc_months: int = 0  # external quality control by an approved body
    price: int = 5_000  # purchase price, euros

    def has(self, flag: str) -> bool:
        return flag in self.flags.split()

    @property
    def serial_prefix(self) -> str:
        return self.manufacturer[:2].upper() + self.gmdn_code[-2:]


D = DeviceModel
# One model per line or two reads better as a table than one argument per line.
# fmt: off
MODELS = {
    "monitor": D("Cardiolys", "Vigilys M60", "Moniteur multiparamétrique de chevet", "IIb",
                 "47520", "Moniteur physiologique multiparamétrique", "wired", "safety hds", "CSV",
                 "monitorage", (12, "supplier"), price=14_000),
    "transport_monitor": D("Cardiolys", "Vigilys T12", "Moniteur de transport", "IIb", "47521",
                           "Moniteur physiologique de transport", "wifi", "safety hds", "CSV",
                           "monitorage", (12, "team"), price=9_000),
    "spot": D("Cardiolys", "Spot V3", "Moniteur de signes vitaux", "IIa", "46310",
              "Moniteur de signes vitaux non invasif", "wifi", "hds", "DPI", "biomed-ouest",
              (24, "team"), price=2_500),
    "ecg": D("Cardiolys", "ElectroCardio 12", "Électrocardiographe", "IIa", "11407",
             "Électrocardiographe multicanal", "wifi", "hds", "ECG", "biomed-ouest", (12, "team"),
             price=6_000),
    "defibrillator": D("Cardiolys", "Défibris D3", "Défibrillateur", "IIb", "37804",
                       "Défibrillateur externe manuel et semi-automatique", "", "safety", "",
                       "monitorage", (12, "team"), price=12_000),
    "volumetric_pump": D("Perfusal", "Volumat VP5", "Pompe à perfusion volumétrique", "IIb",
                         "13215", "Pompe à perfusion volumétrique", "wifi", "", "PERF",
                         "perfusion", (24, "team"), price=3_200),
    "syringe_pump": D("Perfusal", "Seringa SP3", "Pousse-seringue électrique", "IIb", "13217",
                      "Pousse-seringue électrique", "wifi", "", "PERF", "perfusion", (24, "team"),
                      price=2_400),
    "icu_ventilator": D("Ventimed", "Respira 800", "Ventilateur de réanimation", "IIb", "42411",
                        "Ventilateur de soins intensifs", "wired", "safety", "CSV", "ventilation",
                        (12, "supplier"), price=35_000),
    "transport_ventilator": D("Ventimed", "Respira T2", "Ventilateur de transport", "IIb",
                              "42412", "Ventilateur de transport d'urgence", "", "safety", "",
                              "ventilation", (12, "supplier"), price=15_000),
    "anaesthesia": D("Ventimed", "Anesta A7", "Station d'anesthésie", "IIb", "35366",
                     "Système d'anesthésie par inhalation", "wired", "safety hds", "ANES",
                     "ventilation", (6, "supplier"), price=60_000),
    "electrosurgical": D("Chirurgix", "Électrobistouri ES 300", "Bistouri électrique", "IIb",
                         "35181", "Générateur électrochirurgical", "", "", "", "biomed-ouest",
                         (12, "team"), price=18_000),
    "operating_table": D("Chirurgix", "Opera T5", "Table d'opération", "I", "17302",
                         "Table d'opération électrique", "", "", "", "biomed-ouest",
                         (12, "team"), price=40_000),
    "ultrasound": D("Échonova", "Sonix E8", "Échographe", "IIa", "40761",
                    "Système d'imagerie par ultrasons", "wired", "hds", "PACS", "imagerie",
                    (12, "supplier"), price=45_000),
    "mobile_xray": D("Radiolis", "Mobilix R", "Appareil de radiologie mobile", "IIb", "37645",
                     "Système radiographique mobile numérique", "wifi", "hds", "PACS", "imagerie",
                     (12, "supplier"), 12, price=110_000),
    "ct_scanner": D("Radiolis", "Tomos 128", "Scanner (tomodensitomètre)", "IIb", "37618",
                    "Scanner tomodensitométrique corps entier", "wired", "hds", "PACS",
                    "imagerie", (6, "supplier"), 12, price=650_000),
    "incubator": D("Néonatis", "Isolis C2", "Incubateur néonatal", "IIb", "35113",
                   "Incubateur pour nouveau-né", "", "safety", "", "biomed-ouest", (12, "team"),
                   price=25_000),
    "fetal_monitor": D("Néonatis", "Cardiotoco F4", "Cardiotocographe", "IIb", "35765",
                       "Moniteur fœtal", "wired", "safety hds", "PERINAT", "biomed-ouest",
                       (12, "team"), price=11_000),
    "dialysis": D("Dialytek", "Hémodial 5", "Générateur d'hémodialyse", "IIb", "35021",
                  "Unité d'hémodialyse", "wired", "safety hds", "DIAL", "dialyse",
                  (6, "supplier"), price=28_000),
    "suction": D("Aspira", "Vacuum S2", "Aspirateur de mucosités", "IIa", "10217",
                 "Aspirateur de mucosités électrique", "", "", "", "biomed-ouest", (24, "team"),
                 price=900),
    "bed": D("Médilit", "Confortis 3", "Lit médicalisé électrique", "I", "36543",
             "Lit d'hôpital électrique", "", "", "", "biomed-ouest", (24, "team"), price=3_500),
    "patient_lift": D("Médilit", "Levis 200", "Lève-personne", "I", "36110",
                      "Lève-personne mobile", "", "", "", "biomed-ouest", (12, "team"),
                      price=2_800),
}
# fmt: on

#: What a unit of each staffing profile holds, in priority order: a smaller
#: demo keeps the head of the list. (model, count) where an int count is per
#: unit and a float is per bed (patient room, box or operating room).
EQUIPMENT = {
    "icu": [
        ("monitor", 1.0),
        ("defibrillator", 1),
        ("icu_ventilator", 0.8),
        ("ecg", 1),
        ("syringe_pump", 3.0),
        ("volumetric_pump", 2.0),
        ("transport_monitor", 1),
        ("transport_ventilator", 1),
        ("ultrasound", 1),
        ("suction", 0.5),
        ("bed", 1.0),
    ],
    "emergency": [
        ("monitor", 1.0),
        ("defibrillator", 2),
        ("ecg", 2),
        ("transport_monitor", 1),
        ("transport_ventilator", 1),
        ("volumetric_pump", 1.0),
        ("ultrasound", 1),
        ("syringe_pump", 1.0),
        ("suction", 0.3),
    ],
    "theatre": [
        ("anaesthesia", 1.0),
        ("monitor", 1.0),
        ("defibrillator", 1),
        ("electrosurgical", 1.0),
        ("operating_table", 1.0),
        ("syringe_pump", 3.0),
        ("ultrasound", 1),
        ("volumetric_pump", 1.0),
    ],
    "maternity": [
        ("fetal_monitor", 0.5),
        ("defibrillator", 1),
        ("incubator", 1),
        ("spot", 2),
        ("syringe_pump", 0.4),
        ("bed", 1.0),
    ],
    "neonatal": [
        ("incubator", 1.0),
        ("monitor", 1.0),
        ("defibrillator", 1),
        ("syringe_pump", 2.0),
        ("transport_ventilator", 1),
    ],
    "ward": [
        ("defibrillator", 1),
        ("spot", 2),
        ("ecg", 1),
        ("volumetric_pump", 0.4),
        ("syringe_pump", 0.3),
        ("suction", 0.2),
        ("bed", 1.0),
    ],
    "day_hospital": [
        ("defibrillator", 1),
        ("spot", 1),
        ("volumetric_pump", 1.0),
        ("syringe_pump", 0.5),
    ],
    "consultation": [("spot", 1), ("ecg", 1)],
    "imaging": [("ct_scanner", 1), ("mobile_xray", 1), ("defibrillator", 1), ("ultrasound", 0.5)],
    "psy_ward": [("defibrillator", 1), ("spot", 1), ("ecg", 1)],
    "nursing_home": [("defibrillator", 1), ("spot", 1), ("patient_lift", 0.1), ("bed", 1.0)],
}
#: Units whose service replaces the profile's list.
SERVICE_EQUIPMENT = {
    "NEP": [("dialysis", 1.0), ("defibrillator", 1), ("spot", 1), ("volumetric_pump", 0.3)],
}

#: Internal quality control of class IIb devices, run by each biomedical team.
INTERNAL_QC = ("IIb", 12)
#: The regulatory basis quoted on plans.
MANUFACTURER_INSTRUCTION = "Instructions du fabricant (notice de maintenance)"
ANSM_RADIOLOGY = "Décision ANSM – contrôle qualité des installations de radiodiagnostic"
CSP_MAINTENANCE = "CSP R5212-25 à R5212-35 – obligation de maintenance"


class VigilanceCase(NamedTuple):
    model: str
    description: str
    patient_harm: bool
    status: str  # draft, reported, closed
    actions: str
    out_of_service: bool


VIGILANCE = [
    VigilanceCase(
        "volumetric_pump",
        "Débit libre constaté au changement de tubulure : la pompe n'a pas déclenché "
        "l'alarme d'occlusion. Perfusion arrêtée par l'infirmière, sans conséquence clinique.",
        False,
        "reported",
        "Pompe retirée du service et mise sous séquestre ; expertise du fabricant demandée ; "
        "note d'information diffusée aux services.",
        True,
    ),
    VigilanceCase(
        "syringe_pump",
        "Bolus involontaire au démarrage d'un pousse-seringue de noradrénaline ; "
        "hypertension transitoire du patient, surveillance renforcée.",
        True,
        "reported",
        "Appareil isolé, lot de consommables conservé ; déclaration au correspondant local "
        "de matériovigilance et à l'ANSM.",
        True,
    ),
    VigilanceCase(
        "monitor",
        "Perte d'affichage des courbes ECG sur la centrale de surveillance pendant quatre "
        "minutes ; la surveillance locale au chevet est restée active.",
        False,
        "closed",
        "Mise à jour logicielle de la centrale par le fabricant ; test de bascule réalisé.",
        False,
    ),
    VigilanceCase(
        "defibrillator",
        "Échec de charge du défibrillateur lors du contrôle quotidien du chariot d'urgence.",
        False,
        "draft",
        "Défibrillateur de prêt installé ; batterie et carte de charge envoyées en expertise.",
        True,
    ),
]
