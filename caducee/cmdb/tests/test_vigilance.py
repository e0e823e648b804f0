"""Device vigilance as the biomedical engineer records it: a draft about a
medical device, declared to ANSM with its reference, closed once the actions
are written; a report with patient harm marks the device everywhere until
it is closed; nothing is deleted, a closed report is not edited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caducee.cmdb.models import VigilanceReport, WorkOrder
from caducee.cmdb.services.vigilance import (
    close_vigilance_report,
    create_vigilance_report,
    devices_with_open_harm,
    harm_alert,
    report_to_ansm,
    update_vigilance_report,
)
from caducee.cmdb.services.workorders import create_work_order
from caducee.cmdb.tests.biomed_data import *  # noqa: F403  (fixtures)
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def report(biomed, engineer_a) -> VigilanceReport:
    return create_vigilance_report(
        VigilanceReport(
            device=biomed.pump,
            incident_date=D(2025, 3, 2),
            description="Free flow during a change of syringe",
            patient_harm=True,
        ),
        actor=engineer_a,
    )


def test_reports_concern_medical_devices_and_past_incidents(biomed, engineer_a):
    with pytest.raises(ValidationError) as info:
        create_vigilance_report(
            VigilanceReport(
                device=biomed.workstation, incident_date=D(2999, 1, 1), description="x"
            ),
            actor=engineer_a,
        )
    assert {"device", "incident_date"} <= set(info.value.message_dict)
    assert not VigilanceReport.objects.exists()


def test_declaration_to_ansm(report, engineer_a):
    assert report.status == VigilanceReport.Status.DRAFT
    with pytest.raises(ValidationError) as info:
        report_to_ansm(report, actor=engineer_a, reference=" ", reported_on=D(2025, 3, 1))
    assert {"reference", "reported_on"} <= set(info.value.message_dict)  # before the incident
    report_to_ansm(report, actor=engineer_a, reference="R2503-0042", reported_on=D(2025, 3, 3))
    report.refresh_from_db()
    assert report.status == VigilanceReport.Status.REPORTED
    assert report.ansm_reference == "R2503-0042" and report.reported_on == D(2025, 3, 3)
    assert AuditEvent.objects.filter(event="cmdb.vigilance_reported").count() == 1
    with pytest.raises(Conflict):
        report_to_ansm(report, actor=engineer_a, reference="other", reported_on=D(2025, 3, 4))


def test_workflow_fields_only_move_through_the_actions(report, engineer_a, biomed):
    report.status = VigilanceReport.Status.CLOSED
    with pytest.raises(DomainError) as info:
        update_vigilance_report(report, actor=engineer_a)
    assert info.value.field == "status"
    report.refresh_from_db()
    report_to_ansm(report, actor=engineer_a, reference="R1", reported_on=D(2025, 3, 3))
    report.refresh_from_db()
    report.device = biomed.ecg
    with pytest.raises(DomainError) as info:
        update_vigilance_report(report, actor=engineer_a)
    assert info.value.field == "device"


def test_patient_harm_marks_the_device_until_closed(report, engineer_a, biomed, admin_user):
    assert list(harm_alert(biomed.pump)) == [report]
    order = create_work_order(
        WorkOrder(device=biomed.pump, kind="corrective", due_date=D(2025, 3, 5)), actor=admin_user
    )
    flagged = WorkOrder.objects.annotate(harm=devices_with_open_harm("device_id")).get(pk=order.pk)
    assert flagged.harm is True
    with pytest.raises(DomainError) as info:
        close_vigilance_report(report, actor=engineer_a)
    assert info.value.field == "actions"
    close_vigilance_report(report, actor=engineer_a, actions="Pump withdrawn, manufacturer told")
    assert not harm_alert(biomed.pump).exists()
    report.refresh_from_db()
    report.description = "rewritten"
    with pytest.raises(Conflict):
        update_vigilance_report(report, actor=engineer_a)


def test_other_establishment_and_agent_cannot_act(report, engineer_b, desk_agent_a):
    for actor in (engineer_b, desk_agent_a):
        with pytest.raises(PermissionDenied):
            report_to_ansm(report, actor=actor, reference="R1", reported_on=D(2025, 3, 3))
    with pytest.raises(PermissionDenied):
        create_vigilance_report(
            VigilanceReport(device=report.device, incident_date=D(2025, 1, 1), description="x"),
            actor=desk_agent_a,
        )


# --- pages --------------------------------------------------------------------
def test_pages_flag_harm_and_declare(client, report, engineer_a, engineer_b, biomed):
    client.force_login(engineer_a)
    page = client.get(reverse("cmdb:vigilancereport_list")).content.decode()
    assert "Pompe perfusion rea-03" in page and 'class="crit-4"' in page
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Report it to ANSM without delay." in page
    tab = client.get(reverse("cmdb:configurationitem_maintenance", args=[biomed.pump.pk]))
    assert "Open vigilance report with patient harm" in tab.content.decode()
    url = reverse("cmdb:vigilancereport_declare", args=[report.pk])
    response = client.post(url, {"reference": "", "reported_on": "2025-03-03"})
    assert response.status_code == 400
    response = client.post(url, {"reference": "R2503-0042", "reported_on": "2025-03-01"})
    assert response.status_code == 400
    assert "The declaration cannot precede the incident." in response.content.decode()
    response = client.post(url, {"reference": "R2503-0042", "reported_on": "2025-03-03"})
    assert response.status_code == 302
    assert VigilanceReport.objects.get().ansm_reference == "R2503-0042"
    assert client.post(url, {"reference": "R9", "reported_on": "2025-03-04"}).status_code == 409
    client.force_login(engineer_b)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert (
        "Pompe perfusion" not in client.get(reverse("cmdb:vigilancereport_list")).content.decode()
    )


def test_report_written_from_the_page(client, biomed, engineer_a):
    client.force_login(engineer_a)
    url = reverse("cmdb:vigilancereport_add")
    assert client.get(url, {"device": biomed.ecg.pk}).status_code == 200
    response = client.post(
        url,
        {"device": biomed.ecg.pk, "incident_date": "2025-02-01", "description": "Lead off"},
    )
    assert response.status_code == 302
    created = VigilanceReport.objects.get()
    assert created.status == "draft" and not created.patient_harm


# --- API --------------------------------------------------------------------------
def test_api_declare_and_close(client, report, engineer_a):
    client.force_login(engineer_a)
    declare = reverse("vigilancereport-declare", args=[report.pk])
    body = client.post(declare, {}, content_type="application/json")
    assert body.status_code == 400
    assert {"reference", "reported_on"} <= set(body.json()["error"]["fields"])
    response = client.post(
        declare,
        {"reference": "R2503-0042", "reported_on": "2025-03-03"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "reported"
    again = client.post(
        declare, {"reference": "R2", "reported_on": "2025-03-03"}, content_type="application/json"
    )
    assert again.status_code == 409
    close = reverse("vigilancereport-close", args=[report.pk])
    assert client.post(close, {}, content_type="application/json").status_code == 400
    response = client.post(close, {"actions": "Pump withdrawn"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert client.delete(reverse("vigilancereport-detail", args=[report.pk])).status_code == 405
    listed = client.get(reverse("vigilancereport-list"), {"patient_harm": "true"}).json()
    assert listed["count"] == 1
