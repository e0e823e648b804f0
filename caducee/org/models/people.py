"""People and teams.

A Person is the staff profile behind an account, or without one: many staff
never log in but call the desk. The natural key used by imports is the
employee number (matricule) within an establishment, else the e-mail address.
A Team is a named group of people; the desk's assignment groups build on it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.org.models.structure import Establishment, Room
from caducee.org.models.units import CareUnit
from caducee.org.validators import validate_rpps


class Job(AuditedModel):
    scope_path = None

    class Category(models.TextChoices):
        MEDICAL = "medical", _("Medical")
        PARAMEDICAL = "paramedical", _("Nursing and allied health")
        ADMINISTRATIVE = "administrative", _("Administrative")
        TECHNICAL = "technical", _("Technical and logistics")
        IT = "it", _("Information technology")
        BIOMEDICAL = "biomedical", _("Biomedical")
        EXTERNAL = "external", _("External")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    is_health_professional = models.BooleanField(
        _("health professional"),
        default=False,
        help_text=_("Holds an RPPS number (doctors, pharmacists, midwives…)."),
    )

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:job_detail", args=[self.pk])


class Person(AuditedModel):
    scope_path = "establishment"

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)
    job = models.ForeignKey(
        Job,
        verbose_name=_("job"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    rpps = models.CharField(
        _("RPPS number"),
        max_length=11,
        blank=True,
        validators=[validate_rpps],
        help_text=_("11 digits, for health professionals."),
    )
    care_units = models.ManyToManyField(
        CareUnit, verbose_name=_("care units"), blank=True, related_name="people"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("location"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "employee_number"],
                condition=~models.Q(employee_number=""),
                name="org_person_employee_number_unique",
            )
        ]
        indexes = [models.Index(fields=["establishment", "last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        if self.active_from and self.active_from > today:
            return False
        return not (self.active_to and self.active_to < today)

    def clean(self) -> None:
        errors = {}
        if self.rpps and self.job_id and not self.job.is_health_professional:
            errors["rpps"] = _("Only health professionals have an RPPS number.")
        if self.active_from and self.active_to and self.active_to < self.active_from:
            errors["active_to"] = _("The end date is before the start date.")
        if self.manager_id and self.pk and self.manager_id == self.pk:
            errors["manager"] = _("A person cannot be their own manager.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("org:person_detail", args=[self.pk])


class Team(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        help_text=_("Leave empty for a team shared by the whole GHT."),
    )
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    lead = models.ForeignKey(
        Person,
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        Person, verbose_name=_("members"), blank=True, related_name="teams"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:team_detail", args=[self.pk])
