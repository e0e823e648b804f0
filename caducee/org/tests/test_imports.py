"""Importing the organisation from CSV and XLSX: a preview saves nothing and
says row by row what would happen; errors name their row, column and cause;
a second import of the same file changes nothing; a changed cell updates and
is audited; all-or-nothing unless "valid rows only"; another establishment's
records are out of reach; bad files are a 400 with a message, never a 500."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from caducee.core.imports import ImportFileError, normalise_header, read_table, run_import
from caducee.core.models import AuditEvent
from caducee.org.imports import SPECS
from caducee.org.models import Building, CareUnit, Establishment, Floor, Person, Room, Site
from caducee.org.validators import luhn_complete

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}

NEW_FINESS = luhn_complete("69000001")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode()


def run(kind, data, user, name="people.csv", **options):
    return run_import(SPECS[kind], read_table(name, data), user=user, **options)


PEOPLE = csv_bytes(
    "FINESS;Matricule;Nom;Prénom;Code métier;RPPS;Codes UF;Responsable;Téléphone",
    "750712184;M001;Leroy;Anne;medecin;10001234568;4101, 4201;;0101010101",
    "750712184;M002;Petit;Luc;ide;;4101;M001;0102020202",
)


def test_reader_accepts_bom_comma_and_loose_headers():
    table = read_table(
        "x.csv", csv_bytes(" N° FINESS ,PRENOM,Nom", "750712184,Anne,Leroy", bom=True)
    )
    assert table.headers == ["N° FINESS", "PRENOM", "Nom"]
    assert table.rows == [(2, {"N° FINESS": "750712184", "PRENOM": "Anne", "Nom": "Leroy"})]
    assert normalise_header("Prénom") == normalise_header(" PRENOM ") == "prenom"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.txt", b"a;b\n1;2\n", "Upload a .csv or .xlsx file."),
        ("people.csv", b"", "The file is empty."),
        ("people.csv", "Nom;Prénom\nÉric;x\n".encode("latin-1"), "not UTF-8"),
        ("people.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        ("people.csv", b"Nom;Prenom\n", "no data rows"),
    ],
)
def test_bad_files_are_refused_with_a_message(name, data, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(name, data)


def test_dry_run_reports_row_errors_and_creates_nothing(ght, admin_user):
    data = csv_bytes(
        "FINESS;Matricule;Nom;Prénom;Code métier;RPPS;Codes UF",
        "750712184;M001;Leroy;Anne;medecin;10001234568;4101",
        "750712184;M002;Petit;Luc;medecin;123;4101",
        "750712184;M003;Roux;Léa;ide;;4101, 9999",
        "750712185;M004;Blanc;Marc;ide;;",
        "750712184;;Noir;Jean;ide;;",
    )
    people, events = Person.objects.count(), AuditEvent.objects.count()
    result = run("people", data, admin_user, dry_run=True)
    assert [(r.row_number, r.action) for r in result.rows] == [
        (2, "create"),
        (3, "error"),
        (4, "error"),
        (5, "error"),
        (6, "error"),
    ]
    errors = {r.row_number: r.errors for r in result.rows}
    assert errors[3] == [("RPPS", "An RPPS number has exactly 11 digits.")]
    assert errors[4] == [("Codes UF", "Unknown care unit code(s) in this establishment: 9999.")]
    assert errors[5] == [("FINESS", "No establishment with FINESS 750712185.")]
    assert errors[6][0][0] == "E-mail" and "Matricule" in errors[6][0][1]
    assert not result.committed
    assert Person.objects.count() == people
    assert AuditEvent.objects.count() == events


def test_bad_finess_key_of_a_new_establishment(admin_user, ght):
    data = csv_bytes("FINESS;Nom", "750712185;CH Faux", f"{NEW_FINESS};CH Neuf")
    result = run("establishments", data, admin_user, dry_run=True)
    assert result.rows[0].errors == [
        ("FINESS", "This FINESS number's check key is wrong: check the last digit.")
    ]
    assert result.rows[1].action == "create"


def test_import_creates_then_reimport_is_unchanged_and_silent(ght, admin_user):
    preview = run("people", PEOPLE, admin_user, dry_run=True)
    # The manager of row 3 is created by row 2: the preview sees it.
    assert [r.action for r in preview.rows] == ["create", "create"]
    assert not Person.objects.filter(employee_number="M001").exists()

    result = run("people", PEOPLE, admin_user, dry_run=False)
    assert result.committed and result.counts["create"] == 2
    anne = Person.objects.get(establishment=ght.a, employee_number="M001")
    luc = Person.objects.get(establishment=ght.a, employee_number="M002")
    assert set(anne.care_units.all()) == {ght.icu_a, ght.ward_a}
    assert luc.manager == anne and luc.job == ght.nurse_job
    created = AuditEvent.objects.get(
        object_type="org.person", object_id=str(anne.pk), action="create"
    )
    assert created.source == "import" and created.actor_id == admin_user.pk

    events = AuditEvent.objects.count()
    again = run("people", PEOPLE, admin_user, dry_run=False)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    assert AuditEvent.objects.count() == events


def test_a_changed_cell_updates_and_is_audited(ght, admin_user):
    run("people", PEOPLE, admin_user, dry_run=False)
    changed = PEOPLE.replace(b"0102020202", b"0109090909").replace(b";4101;M001", b";4201;M001")
    result = run("people", changed, admin_user, dry_run=False)
    assert [r.action for r in result.rows] == ["unchanged", "update"]
    luc = Person.objects.get(employee_number="M002")
    assert luc.phone == "0109090909" and list(luc.care_units.all()) == [ght.ward_a]
    updates = AuditEvent.objects.filter(
        object_type="org.person", object_id=str(luc.pk), action="update"
    )
    assert {key for event in updates for key in event.changes} == {"phone", "care_units"}


def test_a_person_without_employee_number_is_found_by_email(ght, admin_user):
    data = csv_bytes(
        "FINESS;Nom;Prénom;E-mail;Téléphone",
        "750712184;Martin;Claire;CLAIRE.MARTIN@valmont.example;0102030405",
    )
    people = Person.objects.count()
    result = run("people", data, admin_user, dry_run=False)
    # Found case-insensitively: the file's spelling of the address wins.
    assert result.rows[0].action == "update" and Person.objects.count() == people
    assert Person.objects.get(pk=ght.nurse_a.pk).email == "CLAIRE.MARTIN@valmont.example"
    assert run("people", data, admin_user, dry_run=False).rows[0].action == "unchanged"


def test_all_or_nothing_unless_valid_rows_only(ght, admin_user):
    data = PEOPLE + b"750712184;M003;Roux;Lea;ide;;9999;;\n"
    strict = run("people", data, admin_user, dry_run=False)
    assert not strict.committed and strict.counts == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "error": 1,
    }
    assert not Person.objects.filter(employee_number__in=["M001", "M002", "M003"]).exists()

    lenient = run("people", data, admin_user, dry_run=False, valid_only=True)
    assert lenient.committed
    assert set(
        Person.objects.filter(employee_number__startswith="M").values_list(
            "employee_number", flat=True
        )
    ) == {"M001", "M002"}


def test_structure_chain_by_natural_keys(ght, admin_user):
    est = f"FINESS;Nom;Type;GHT\n{NEW_FINESS};CH Neuf;chs;ght-test\n".encode()
    assert run("establishments", est, admin_user, dry_run=False).committed
    new = Establishment.objects.get(finess=NEW_FINESS)
    assert new.kind == "chs" and new.shifts.count() == 3  # created by the service
    files = [
        ("sites", f"FINESS;Code;Nom\n{NEW_FINESS};NORD;Site Nord\n"),
        ("buildings", f"FINESS;Code site;Code;Nom\n{NEW_FINESS};NORD;B;Bâtiment B\n"),
        ("floors", f"FINESS;Code site;Code bâtiment;Niveau\n{NEW_FINESS};NORD;B;-1\n"),
        (
            "rooms",
            "FINESS;Code site;Code bâtiment;Niveau;Code;Type\n"
            f"{NEW_FINESS};NORD;B;-1;S01;Server room\n",
        ),
    ]
    for kind, text in files:
        result = run(kind, text.encode(), admin_user, dry_run=False)
        assert result.committed, (kind, result.rows)
    room = Room.objects.get(code="S01")
    assert room.kind == "datacenter"
    assert room.floor == Floor.objects.get(level=-1, building__site__code="NORD")
    assert Building.objects.filter(site__establishment=new).count() == 1
    assert Site.objects.filter(establishment=new, code="NORD").exists()


def test_xlsx_care_units(ght, admin_user):
    book = Workbook()
    sheet = book.active
    sheet.append(["N° FINESS", "Code UF", "Libellé", "Criticité", "Horaires", "Actif"])
    sheet.append([750712184, 4101, "Réanimation polyvalente", "Life-critical", "24/7", "oui"])
    sheet.append([750712184, 4301, "Cardiologie", 3, "business", "non"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run("care_units", buffer.getvalue(), admin_user, name="uf.xlsx", dry_run=False)
    assert [r.action for r in result.rows] == ["update", "create"]
    assert CareUnit.objects.get(pk=ght.icu_a.pk).name == "Réanimation polyvalente"
    cardio = CareUnit.objects.get(establishment=ght.a, code="4301")
    assert cardio.criticality == 3 and cardio.is_active is False


def test_a_user_of_a_cannot_import_people_into_b(ght, make_user):
    manager_a = make_user("dsi_manager", establishments=[ght.a])
    data = csv_bytes(
        "FINESS;Matricule;Nom;Prénom",
        "330781196;B001;Faure;Nina",
        "750712184;A001;Garnier;Hugo",
    )
    people = Person.objects.count()
    result = run("people", data, manager_a, dry_run=False)
    assert result.rows[0].errors == [("FINESS", "Establishment outside your scope.")]
    assert result.rows[1].action == "create"
    assert not result.committed and Person.objects.count() == people


# --- The page -------------------------------------------------------------------
def upload(name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    return file


def test_page_preview_lists_errors_then_imports_the_previewed_file(client, ght, admin_user):
    client.force_login(admin_user)
    url = reverse("org:import")
    assert client.get(url, headers=EN).status_code == 200
    bad = PEOPLE + b"750712184;M003;Roux;Lea;ide;;9999;;\n"
    response = client.post(
        url,
        {"kind": "people", "file": upload("p.csv", bad), "action": "preview", "valid_only": "on"},
        headers=EN,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown care unit code(s) in this establishment: 9999." in page
    assert "2 to create, 0 to update, 0 unchanged, 1 with errors." in page
    assert not Person.objects.filter(employee_number="M001").exists()

    token = response.context["token"]
    response = client.post(
        url,
        {"kind": "people", "token": token, "valid_only": "on", "action": "import"},
        headers=EN,
    )
    assert response.status_code == 302
    assert Person.objects.filter(employee_number__in=["M001", "M002"]).count() == 2


def test_page_refuses_bad_input_with_400(client, admin_user):
    client.force_login(admin_user)
    url = reverse("org:import")
    cases = [
        ({"kind": "people", "file": upload("p.xlsx", b"garbage")}, "not a readable XLSX"),
        ({"kind": "people"}, "Choose a file to import."),
        ({"kind": "spaceships", "file": upload("p.csv", PEOPLE)}, "Unknown kind of import"),
        ({"kind": "people", "file": upload("p.csv", b"Nom;Prenom\nA;B\n")}, "Missing column(s)"),
    ]
    for post, message in cases:
        response = client.post(url, {**post, "action": "preview"}, headers=EN)
        assert response.status_code == 400, message
        assert message in response.content.decode()
    with override_settings(CADUCEE_IMPORT_MAX_BYTES=100):
        post = {"kind": "people", "file": upload("p.csv", PEOPLE * 5), "action": "import"}
        response = client.post(url, post, headers=EN)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_template_download_and_access(client, ght, admin_user, make_user):
    client.force_login(admin_user)
    response = client.get(reverse("org:import") + "?template=people")
    assert response["Content-Type"].startswith("text/csv")
    headers = response.content.decode("utf-8-sig").splitlines()[0]
    assert SPECS["people"].match_headers(headers.split(";"))  # round-trips
    client.force_login(make_user("requester", establishments=[ght.a]))
    assert client.get(reverse("org:import")).status_code == 403
