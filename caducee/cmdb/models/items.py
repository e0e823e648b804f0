"""Configuration items: every device, system and software the DSI manages.

Rule (DESIGN.md, issue "CMDB" point 1): each CI has a type, a lifecycle
status, an establishment and a room, an owner group, a business owner (MOA),
a supplier and contract, identification (serial, asset tag, manufacturer,
model), dates (purchase, warranty end), a criticality, and two hospital
flags: patient-safety-critical (its outage is P1 at once) and holds health
data (HDS scope, further approval for vendor access). The one-table design
with typed JSON attributes is explained in ``caducee.cmdb.types``.

A CI with no establishment belongs to the whole GHT (the shared data centre,
the EHR used by every hospital): everyone with the role may read it; only
users with the whole GHT in scope may change it.

Natural keys used by imports and inventory agents, in matching order: UUID
(unique), asset tag (unique), serial number with manufacturer, MAC address,
hostname.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.types import CIType, clean_attributes, spec_for
from caducee.core.models import AuditedModel
from caducee.org.models import Criticality, Establishment, Person, Room, Team


class LifecycleStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    IN_STOCK = "in_stock", _("In stock")
    IN_PRODUCTION = "in_production", _("In production")
    IN_MAINTENANCE = "in_maintenance", _("In maintenance")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    RETIRED = "retired", _("Retired")
    DISPOSED = "disposed", _("Disposed")


#: Statuses in which an item is counted as down by the impact analysis.
DOWN_STATUSES = frozenset({LifecycleStatus.OUT_OF_SERVICE})


def normalise_mac(value: str) -> str:
    """``00-1A-2b:3c…`` → ``00:1a:2b:3c:…``; empty stays empty."""
    digits = "".join(ch for ch in (value or "").lower() if ch in "0123456789abcdef")
    if not value:
        return ""
    if len(digits) != 12:
        raise ValidationError({"mac_address": _("Enter a MAC address of 12 hexadecimal digits.")})
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


#: Fields common to every type that people edit (forms, API), in page order.
COMMON_FIELDS = (
    "name",
    "status",
    "establishment",
    "room",
    "owner_group",
    "business_owner",
    "supplier",
    "contract",
    "serial_number",
    "asset_tag",
    "manufacturer",
    "model",
    "purchase_date",
    "warranty_end",
    "criticality",
    "patient_safety_critical",
    "holds_health_data",
    "notes",
)
#: Identity columns shared by several types (each type says which it uses).
IDENTITY_FIELDS = ("hostname", "ip_address", "mac_address", "uuid", "assigned_to")

#: The columns the free-text search of the item list looks into.
SEARCH_FIELDS = (
    "name",
    "hostname",
    "serial_number",
    "asset_tag",
    "manufacturer",
    "model",
    "ip_address",
    "mac_address",
)


def search_text() -> Upper:
    """The searched columns as one upper-case text, space-separated (a search
    word never holds a space, so it never matches across two columns).

    Stored as the generated column ``search_text``: the list's free text is
    one ``LIKE`` per word on a plain column (about five times cheaper a row
    than re-joining eight columns), which PostgreSQL answers from a trigram
    index (migration 0004); SQLite reads the column, as eight ``LIKE``s would.
    Changing the columns here needs a migration (the column is regenerated).
    """
    parts: list = []
    for name in SEARCH_FIELDS:
        parts += [F(name), Value(" ")]
    return Upper(Concat(*parts[:-1], output_field=models.TextField()))


#: The codes of the identity constraints' violations, and their field.
_DUPLICATE_CODES = {"duplicate_uuid": "uuid", "duplicate_asset_tag": "asset_tag"}


class ConfigurationItem(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True
    audit_ignore_fields = frozenset({"created_at", "updated_at", "last_inventory_at"})

    name = models.CharField(_("name"), max_length=200, db_index=True)
    ci_type = models.CharField(_("type"), max_length=32, choices=CIType.choices, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LifecycleStatus.choices,
        default=LifecycleStatus.IN_PRODUCTION,
        db_index=True,
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="configuration_items",
        help_text=_("Leave empty for an item shared by the whole GHT."),
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="configuration_items",
    )
    owner_group = models.ForeignKey(
        Team,
        verbose_name=_("owner group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_items",
        help_text=_("The team that supports it (for a medical device: the biomedical team)."),
    )
    business_owner = models.ForeignKey(
        Person,
        verbose_name=_("business owner (MOA)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="business_owned_items",
    )
    supplier = models.ForeignKey(
        "cmdb.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    contract = models.ForeignKey(
        "cmdb.Contract",
        verbose_name=_("contract"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True, db_index=True)
    asset_tag = models.CharField(_("asset tag"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=150, blank=True, db_index=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True, db_index=True)
    criticality = models.PositiveSmallIntegerField(
        _("criticality"), choices=Criticality.choices, default=Criticality.MEDIUM, db_index=True
    )
    patient_safety_critical = models.BooleanField(
        _("patient-safety critical"),
        default=False,
        help_text=_("Its outage endangers patients at once (e.g. ECG monitoring)."),
    )
    holds_health_data = models.BooleanField(
        _("holds health data (HDS)"),
        default=False,
        help_text=_("Stores or processes personal health data: HDS scope."),
    )
    notes = models.TextField(_("notes"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    # Identity columns shared by several types (see caducee.cmdb.types).
    hostname = models.CharField(_("hostname"), max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    mac_address = models.CharField(_("MAC address"), max_length=17, blank=True, db_index=True)
    uuid = models.CharField(_("UUID"), max_length=64, blank=True)
    assigned_to = models.ForeignKey(
        Person,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_items",
    )
    inventory_agent = models.CharField(
        _("inventory agent id"),
        max_length=255,
        blank=True,
        help_text=_("Device id reported by its inventory agent."),
    )
    last_inventory_at = models.DateTimeField(_("last inventory"), null=True, blank=True)
    #: What the list's free text searches (derived, never edited nor audited).
    search_text = models.GeneratedField(
        expression=search_text(), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["establishment", "ci_type", "status"], name="cmdb_ci_scope_idx"),
            models.Index(fields=["ci_type", "name"], name="cmdb_ci_type_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["uuid"],
                condition=~Q(uuid=""),
                name="cmdb_ci_uuid_unique",
                violation_error_code="duplicate_uuid",
                violation_error_message=_("Another item already has this UUID."),
            ),
            models.UniqueConstraint(
                fields=["asset_tag"],
                condition=~Q(asset_tag=""),
                name="cmdb_ci_asset_tag_unique",
                violation_error_code="duplicate_asset_tag",
                violation_error_message=_("Another item already has this asset tag."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cmdb:configurationitem_detail", args=[self.pk])

    def validate_constraints(self, exclude=None) -> None:
        """As Django, but a duplicate UUID or asset tag is the field's error
        (Django reports a conditional unique constraint for the whole form)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors: dict[str, list] = {}
            for key, messages in error.error_dict.items():
                for message in messages:
                    field = _DUPLICATE_CODES.get(message.code, key)
                    errors.setdefault(field, []).append(message)
            raise ValidationError(errors) from error

    @property
    def spec(self):
        return spec_for(self.ci_type)

    @property
    def is_down(self) -> bool:
        return self.status in DOWN_STATUSES

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            self.attributes = clean_attributes(self.ci_type, self.attributes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            self.mac_address = normalise_mac(self.mac_address)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        self.uuid = (self.uuid or "").strip().lower()
        self.hostname = (self.hostname or "").strip().lower()
        if self.room_id and self.establishment_id:
            room_establishment = (
                Room.objects.filter(pk=self.room_id)
                .values_list("floor__building__site__establishment_id", flat=True)
                .first()
            )
            if room_establishment is not None and room_establishment != self.establishment_id:
                errors["room"] = [_("The room belongs to another establishment.")]
        if self.purchase_date and self.warranty_end and self.warranty_end < self.purchase_date:
            errors["warranty_end"] = [_("The warranty cannot end before the purchase.")]
        if errors:
            raise ValidationError(errors)


class NetworkInterface(models.Model):
    """A network interface reported by an inventory agent or typed in.

    Kept out of the audit trail row by row (an agent rewrites them on every
    run); the inventory service records one summary event on the item.
    """

    item = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("configuration item"),
        on_delete=models.CASCADE,
        related_name="interfaces",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    mac_address = models.CharField(_("MAC address"), max_length=17, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    netmask = models.CharField(_("netmask"), max_length=45, blank=True)
    is_virtual = models.BooleanField(_("virtual"), default=False)

    class Meta:
        verbose_name = _("network interface")
        verbose_name_plural = _("network interfaces")
        ordering = ["item", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.mac_address}".strip()


class Software(models.Model):
    """A software title (name and publisher), shared by its installations."""

    name = models.CharField(_("name"), max_length=255)
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("software")
        verbose_name_plural = _("software")
        ordering = ["name", "publisher"]
        constraints = [
            models.UniqueConstraint(fields=["name", "publisher"], name="cmdb_software_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.publisher})" if self.publisher else self.name


class InstalledSoftware(models.Model):
    """One software version installed on a workstation or server.

    Like interfaces, written in bulk by the inventory with one summary audit
    event on the item (added, removed, upgraded titles).
    """

    item = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("configuration item"),
        on_delete=models.CASCADE,
        related_name="installed_software",
    )
    software = models.ForeignKey(
        Software,
        verbose_name=_("software"),
        on_delete=models.PROTECT,
        related_name="installations",
    )
    version = models.CharField(_("version"), max_length=100, blank=True)
    install_date = models.DateField(_("installed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("installed software")
        verbose_name_plural = _("installed software")
        ordering = ["software__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "software", "version"], name="cmdb_installed_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.software} {self.version}".strip()
