"""The catalogue of the desk demo: what hospital staff call about, and who answers.

Demo content, in French like the rest of the demo GHT (names of people,
units and applications are not translated either): for each category of
``services.categories.DEFAULT_CATEGORIES`` the share of the calls it gets,
the kind of configuration item it is about (a CI type, or the start of an
application's name) and the titles agents write. Then the assignment groups
built on the organisation's teams, their escalation chain, and the routing
rules. ``demo_groups``, ``demo_tickets`` and ``demo_history`` read it.
"""

from __future__ import annotations

from typing import NamedTuple

from caducee.desk.models import SupportLevel, TicketKind

INC, REQ, PRB = TicketKind.INCIDENT, TicketKind.REQUEST, TicketKind.PROBLEM


class Subject(NamedTuple):
    weight: float
    #: A CI type, or "app:<start of the application's name>", or "" (no item).
    item: str
    titles: tuple[str, ...]


#: (kind, category full name) → what the calls about it look like.
SUBJECTS: dict[tuple[str, str], Subject] = {
    (INC, "Poste de travail > Ne démarre pas"): Subject(
        9, "workstation", ("Le poste ne démarre plus", "Écran noir au démarrage du PC")
    ),
    (INC, "Poste de travail > Lenteurs"): Subject(
        8, "workstation", ("PC très lent depuis ce matin", "Le poste se fige plusieurs minutes")
    ),
    (INC, "Poste de travail > Écran, clavier ou souris"): Subject(
        5, "workstation", ("Clavier hors service", "L'écran clignote", "Souris sans réaction")
    ),
    (INC, "Poste de travail > Session Windows"): Subject(
        6, "workstation", ("Impossible d'ouvrir la session", "Profil Windows temporaire")
    ),
    (INC, "Imprimante > N'imprime pas"): Subject(
        7, "printer", ("L'imprimante du poste de soins n'imprime plus", "Travaux bloqués")
    ),
    (INC, "Imprimante > Bourrage ou consommable"): Subject(
        4, "printer", ("Bourrage papier répété", "Toner vide, pas de cartouche d'avance")
    ),
    (INC, "Imprimante > Étiquettes et bracelets patient"): Subject(
        4, "printer", ("Les bracelets patient sortent illisibles", "Étiquettes décalées")
    ),
    (INC, "Logiciel métier > DPI"): Subject(
        10,
        "app:DPI",
        ("Le DPI se ferme à l'ouverture du dossier", "Prescription impossible dans le DPI"),
    ),
    (INC, "Logiciel métier > Prescription et pharmacie"): Subject(
        4, "app:Pharmacie", ("Validation pharmaceutique bloquée", "Plan de soins non mis à jour")
    ),
    (INC, "Logiciel métier > Laboratoire (SIL)"): Subject(
        3, "app:SIL", ("Résultats de biologie non reçus", "Demande d'examen rejetée par le SIL")
    ),
    (INC, "Logiciel métier > Imagerie (PACS, RIS)"): Subject(
        3, "app:PACS", ("Images du scanner introuvables dans le PACS", "Visionneuse très lente")
    ),
    (INC, "Logiciel métier > Bloc opératoire"): Subject(
        2, "app:Planification du bloc", ("Programme opératoire non affiché",)
    ),
    (INC, "Logiciel métier > Gestion administrative du patient"): Subject(
        3, "app:GAM", ("Admission impossible à créer", "Erreur sur le mouvement du patient")
    ),
    (INC, "Réseau > Wi-Fi"): Subject(
        4, "network_device", ("Pas de Wi-Fi dans le couloir", "Le chariot de soins décroche")
    ),
    (INC, "Réseau > Prise ou câblage"): Subject(
        2, "network_device", ("Prise réseau morte", "Plus de réseau dans le bureau")
    ),
    (INC, "Réseau > Accès distant (VPN)"): Subject(
        2, "", ("Connexion VPN refusée", "Télétravail : VPN coupé toutes les 5 minutes")
    ),
    (INC, "Téléphonie > Poste fixe"): Subject(
        3, "phone", ("Pas de tonalité", "Le poste fixe redémarre en boucle")
    ),
    (INC, "Téléphonie > DECT"): Subject(4, "phone", ("DECT ne capte plus", "Batterie DECT HS")),
    (INC, "Téléphonie > Appel malade"): Subject(
        2, "phone", ("Les appels malade n'arrivent plus sur le DECT",)
    ),
    (INC, "Accès / habilitations > Mot de passe ou compte bloqué"): Subject(
        9, "app:Annuaire", ("Compte bloqué", "Mot de passe expiré", "Mot de passe oublié")
    ),
    (INC, "Accès / habilitations > Carte CPS / e-CPS"): Subject(
        3, "", ("Carte CPS non reconnue", "e-CPS : code refusé")
    ),
    (INC, "Accès / habilitations > Droits applicatifs"): Subject(
        3, "app:DPI", ("Plus accès aux dossiers du service", "Profil DPI incorrect")
    ),
    (INC, "Matériel biomédical > Moniteur de surveillance"): Subject(
        2, "medical_device", ("Moniteur sans courbe", "Alarme moniteur non remontée")
    ),
    (INC, "Matériel biomédical > Pompe ou pousse-seringue"): Subject(
        2, "medical_device", ("Pousse-seringue en erreur", "Pompe : bibliothèque non à jour")
    ),
    (INC, "Matériel biomédical > Interface avec le DPI"): Subject(
        1, "medical_device", ("Les constantes ne remontent plus dans le DPI",)
    ),
    (INC, "Messagerie > Messagerie interne"): Subject(
        3, "app:Messagerie", ("Boîte aux lettres pleine", "Courriels non reçus")
    ),
    (INC, "Messagerie > Messagerie sécurisée de santé"): Subject(
        1, "", ("MSSanté : envoi du compte rendu impossible",)
    ),
    (REQ, "Poste de travail > Nouveau poste"): Subject(
        6, "workstation", ("Poste pour un nouvel arrivant", "Remplacement d'un PC ancien")
    ),
    (REQ, "Poste de travail > Déménagement"): Subject(
        3, "workstation", ("Déménagement de trois postes", "Déplacer le poste en salle de soins")
    ),
    (REQ, "Poste de travail > Installation d'un logiciel"): Subject(
        6, "workstation", ("Installer le lecteur de cartes Vitale", "Installer un logiciel")
    ),
    (REQ, "Imprimante > Installation"): Subject(3, "printer", ("Ajouter l'imprimante du bureau",)),
    (REQ, "Imprimante > Consommables"): Subject(
        5, "printer", ("Commande de toner", "Rouleaux d'étiquettes à livrer")
    ),
    (REQ, "Accès / habilitations > Arrivée d'un agent"): Subject(
        12, "app:Annuaire", ("Arrivée d'un interne", "Nouvel agent : compte et messagerie")
    ),
    (REQ, "Accès / habilitations > Départ d'un agent"): Subject(
        6, "app:Annuaire", ("Départ en retraite : fermer les accès", "Fin de contrat")
    ),
    (REQ, "Accès / habilitations > Droits applicatifs"): Subject(
        10, "app:DPI", ("Ouvrir les droits de prescription", "Accès au PACS pour un externe")
    ),
    (REQ, "Téléphonie > Nouvelle ligne"): Subject(2, "phone", ("Ligne pour le nouveau bureau",)),
    (REQ, "Téléphonie > DECT supplémentaire"): Subject(3, "phone", ("Deux DECT de plus",)),
    (REQ, "Logiciel métier > Paramétrage DPI"): Subject(
        4, "app:DPI", ("Nouveau modèle de compte rendu", "Ajouter un protocole de soins")
    ),
    (REQ, "Logiciel métier > Formation"): Subject(
        3, "app:DPI", ("Formation DPI pour les nouveaux internes",)
    ),
    (REQ, "Matériel biomédical > Raccordement au réseau"): Subject(
        1, "medical_device", ("Raccorder le nouvel échographe au réseau",)
    ),
    (REQ, "Renseignement"): Subject(
        4, "", ("Comment partager un dossier ?", "Où trouver la procédure dégradée ?")
    ),
    (PRB, "Infrastructure > Réseau"): Subject(
        3, "network_device", ("Coupures Wi-Fi récurrentes", "Pertes de paquets sur le cœur")
    ),
    (PRB, "Infrastructure > Serveurs et stockage"): Subject(
        3, "server", ("Saturation récurrente du stockage", "Redémarrages d'un hyperviseur")
    ),
    (PRB, "Infrastructure > Sauvegarde"): Subject(2, "server", ("Sauvegardes en échec la nuit",)),
    (PRB, "Logiciel métier > DPI"): Subject(
        3, "app:DPI", ("Lenteurs du DPI aux relèves", "Plantages du DPI sur un module")
    ),
    (PRB, "Logiciel métier > Interfaces (HL7)"): Subject(
        2, "app:Plateforme d'interopérabilité", ("Messages HL7 perdus entre GAM et DPI",)
    ),
    (PRB, "Poste de travail"): Subject(2, "workstation", ("Écrans bleus après une mise à jour",)),
    (PRB, "Sécurité"): Subject(1, "", ("Hameçonnage : comptes compromis à répétition",)),
}


class GroupSpec(NamedTuple):
    team: str  # team code ("proximite-*" / "biomed-*": one group per such team)
    level: str
    auto_assign: bool = False
    method: str = "round_robin"
    escalates_to: str = ""  # team code of the next level


L1, L2, L3, VENDOR = SupportLevel.L1, SupportLevel.L2, SupportLevel.L3, SupportLevel.VENDOR

#: Teams the desk demo adds: (code, name, description, drawn from team, every n-th member).
EXTRA_TEAMS = (
    (
        "dsi-bases-de-donnees",
        "Bases de données",
        "Oracle, SQL Server, PostgreSQL.",
        "dsi-systemes",
        3,
    ),
    (
        "dsi-app-dpi",
        "Applications – DPI et parcours patient",
        "DPI, GAM, bloc.",
        "dsi-applications",
        3,
    ),
    ("dsi-app-imagerie", "Applications – Imagerie", "PACS et RIS.", "dsi-applications", 3),
    (
        "dsi-app-biologie",
        "Applications – Biologie et pharmacie",
        "SIL, pharmacie.",
        "dsi-applications",
        3,
    ),
)

#: Vendor groups: (team code, supplier name in the CMDB).
VENDORS = (
    ("fournisseur-hippocrate", "Hippocrate Santé Logiciels"),
    ("fournisseur-imagis", "Imagis Santé"),
    ("fournisseur-labsys", "Labsys Biologie Numérique"),
    ("fournisseur-reseaux", "Réseaux et Télécoms Hospitaliers"),
    ("fournisseur-postes", "Postes et Périphériques Santé Ouest"),
    ("fournisseur-datacentre", "Infrastructures Datacentre Services"),
    ("fournisseur-monitorage", "Monitorage Clinique Maintenance"),
)

GROUPS = (
    GroupSpec("dsi-centre-de-services", L1, True, "round_robin", "dsi-postes-de-travail"),
    GroupSpec("proximite-*", L1, True, "least_loaded", "dsi-postes-de-travail"),
    GroupSpec("dsi-postes-de-travail", L2, True, "least_loaded", "fournisseur-postes"),
    GroupSpec("dsi-reseau", L2, False, "round_robin", "fournisseur-reseaux"),
    GroupSpec("dsi-systemes", L2, False, "round_robin", "dsi-bases-de-donnees"),
    GroupSpec("dsi-bases-de-donnees", L3, False, "round_robin", "fournisseur-datacentre"),
    GroupSpec("dsi-applications", L2, False, "round_robin", "dsi-app-dpi"),
    GroupSpec("dsi-app-dpi", L2, False, "round_robin", "fournisseur-hippocrate"),
    GroupSpec("dsi-app-imagerie", L2, False, "round_robin", "fournisseur-imagis"),
    GroupSpec("dsi-app-biologie", L2, False, "round_robin", "fournisseur-labsys"),
    GroupSpec("biomed-*", L2, False, "round_robin", "biomedical"),
    GroupSpec("biomedical", L2, False, "round_robin", "fournisseur-monitorage"),
    *(GroupSpec(code, VENDOR) for code, _name in VENDORS),
)

#: Routing rules of the whole GHT, in order after the per-establishment ones:
#: (name, kind, category full name, CI type, priority, team code). No catch-all:
#: what no rule matches stays new, in the level-1 desk's "unassigned" queue.
ROUTES = (
    ("Équipement réseau → Réseau", "", "", "network_device", None, "dsi-reseau"),
    ("Serveur → Systèmes", "", "", "server", None, "dsi-systemes"),
    ("Base de données → Bases de données", "", "", "database", None, "dsi-bases-de-donnees"),
    ("Dispositif médical → Biomédical", "", "", "medical_device", None, "biomedical"),
    ("DPI → Applications DPI", INC, "Logiciel métier > DPI", "", None, "dsi-app-dpi"),
    (
        "GAP → Applications DPI",
        INC,
        "Logiciel métier > Gestion administrative du patient",
        "",
        None,
        "dsi-app-dpi",
    ),
    ("Bloc → Applications DPI", INC, "Logiciel métier > Bloc opératoire", "", None, "dsi-app-dpi"),
    (
        "Imagerie → Applications imagerie",
        INC,
        "Logiciel métier > Imagerie (PACS, RIS)",
        "",
        None,
        "dsi-app-imagerie",
    ),
    (
        "SIL → Applications biologie",
        INC,
        "Logiciel métier > Laboratoire (SIL)",
        "",
        None,
        "dsi-app-biologie",
    ),
    (
        "Pharmacie → Applications biologie",
        INC,
        "Logiciel métier > Prescription et pharmacie",
        "",
        None,
        "dsi-app-biologie",
    ),
    ("Paramétrage DPI → Applications DPI", REQ, "Logiciel métier", "", None, "dsi-app-dpi"),
    ("Réseau → Réseau", INC, "Réseau", "", None, "dsi-reseau"),
    ("Téléphonie → Réseau", INC, "Téléphonie", "", None, "dsi-reseau"),
    ("Nouvelle ligne → Réseau", REQ, "Téléphonie", "", None, "dsi-reseau"),
    ("Biomédical → Biomédical", INC, "Matériel biomédical", "", None, "biomedical"),
    ("Problèmes réseau → Réseau", PRB, "Infrastructure > Réseau", "", None, "dsi-reseau"),
    ("Problèmes d'infrastructure → Systèmes", PRB, "Infrastructure", "", None, "dsi-systemes"),
    ("Problèmes applicatifs → Applications DPI", PRB, "Logiciel métier", "", None, "dsi-app-dpi"),
    ("P1 sans autre règle → Systèmes (astreinte)", INC, "", "", 1, "dsi-systemes"),
)

#: Per establishment with a team of its own, before the GHT-wide rules:
#: (kind, category full name, CI type, team prefix).
LOCAL_ROUTES = (
    (INC, "Poste de travail", "", "proximite-"),
    (INC, "Imprimante", "", "proximite-"),
    (REQ, "Poste de travail", "", "proximite-"),
    ("", "", "medical_device", "biomed-"),
    (INC, "Matériel biomédical", "", "biomed-"),
)

#: Comments agents write: (public?, text, minutes spent).
REPLIES = (
    (True, "Bonjour, nous prenons en charge votre demande.", 0),
    (True, "Pouvez-vous nous indiquer le numéro inscrit sous le poste ?", 5),
    (True, "Un technicien passe dans le service dans la matinée.", 0),
    (True, "Le nécessaire a été fait, pouvez-vous confirmer que tout fonctionne ?", 10),
    (False, "Diagnostic à distance : service d'impression redémarré.", 15),
    (False, "Vu avec l'éditeur, correctif prévu dans la prochaine version.", 30),
    (False, "Intervention sur place, câble remplacé.", 45),
    (False, "Escalade : relevé les journaux, transmis au niveau 2.", 20),
    (False, "Déjà vu la semaine dernière dans le même service, à surveiller.", 5),
)
