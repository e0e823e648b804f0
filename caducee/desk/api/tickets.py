"""Tickets API: ``/api/desk/tickets/``.

Rule (issue "Service desk core" points 1, 2 and 7; STYLE.md 5, 6, 11):
views parse, call one service, and map its errors; they never apply a rule.

- ``GET tickets/``: the tickets in the caller's scope
  (``Ticket.objects.restrict(user, "view")``), filtered by the pages' own
  ``TicketFilterSet`` (``queue=mine|groups|unassigned|breaching|all``,
  ``q``, ``status``, ``category`` with its subtree, ``ordering``…), 50 a
  page. ``GET tickets/{id}/``: one ticket; out of scope is a 404.
- ``POST tickets/``: ``create_ticket`` (channel ``api`` unless said),
  honouring ``Idempotency-Key`` (``caducee.core.api.idempotency``).
- ``PATCH tickets/{id}/``: ``update_ticket`` for the fields agents edit,
  and ``set_items`` for ``configuration_items``, all or nothing. Any other
  field sent is a 400 naming the action that changes it.
- Actions, each one service call: ``transition`` and the shortcuts
  ``assign``, ``start``, ``wait``, ``resume``, ``resolve``, ``close``,
  ``reopen``, ``cancel``; ``priority`` (POST overrides, DELETE clears);
  ``links`` (GET lists, POST links, DELETE unlinks); ``history`` (the
  audit trail). An illegal move is a 409, code ``invalid_transition``.

Concurrency (``caducee.core.api.concurrency``): answers about one ticket
carry ``ETag: W/"<version>"``; PATCH and actions honour ``If-Match`` (or
``version`` in the body), a stale one is a 412 with the current version and
nothing changed; without either the write proceeds on the current row.
Actions answer the ticket as it now is (its new ETag).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from caducee.cmdb.models import ConfigurationItem
from caducee.core.api import idempotency
from caducee.core.api.concurrency import ConcurrencyMixin, expected_version, with_etag
from caducee.core.api.views import ReleasedSerializersMixin, ScopedModelViewSet
from caducee.desk.api import serializers as s
from caducee.desk.filters.tickets import TicketFilterSet
from caducee.desk.models import Tag, Ticket, TicketLink
from caducee.desk.services import tickets as services
from caducee.desk.services.tickets import EDITABLE_FIELDS, M2M_FIELDS, UNSET

#: What the list shows, joined in its one query.
LIST_RELATED = (
    "requester",
    "establishment",
    "care_unit",
    "category__parent__parent",
    "assignment_group__team",
    "assignee",
)
#: The detail shows the ids of items and watchers and the names of tags: only those are read.
DETAIL_PREFETCH = (
    Prefetch("configuration_items", queryset=ConfigurationItem.objects.only("pk")),
    Prefetch("watchers", queryset=get_user_model().objects.only("pk")),
    Prefetch("tags", queryset=Tag.objects.only("pk", "name")),
)
#: What a PATCH may send.
PATCHABLE = frozenset({*EDITABLE_FIELDS, *M2M_FIELDS, "configuration_items", "version"})

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='The ETag read (W/"<version>"): a stale one is refused with 412.',
)
STALE = OpenApiResponse(description="The ticket changed since the version sent (If-Match).")


def _refused_field_message(name: str) -> str:
    if name == "status":
        return _("The status changes through the transition actions (transition, resolve…).")
    if name in ("assignment_group", "assignee"):
        return _("Assign through the assign or transition action.")
    if name == "priority":
        return _("Override the priority through the priority action.")
    if name in s.TicketSerializer.Meta.fields:
        return _("This field cannot be changed by an edit.")
    return _("Unknown field.")


def _action_schema(body: Any, summary: str, **extra: Any):
    return extend_schema(
        request=body,
        responses={200: s.TicketSerializer, 412: STALE},
        parameters=[IF_MATCH],
        summary=summary,
        **extra,
    )


class TicketViewSet(
    ReleasedSerializersMixin,
    ConcurrencyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    model = Ticket
    serializer_class = s.TicketSerializer
    filterset_class = TicketFilterSet
    # The FilterSet sorts (its ``ordering``), as on the pages.
    filter_backends = [DjangoFilterBackend]
    queryset = Ticket.objects.none()  # for the permission class and the schema

    history = ScopedModelViewSet.history

    def get_queryset(self):
        queryset = Ticket.objects.restrict(self.request.user, "view").select_related(*LIST_RELATED)
        if self.action != "list":
            queryset = queryset.prefetch_related(*DETAIL_PREFETCH)
        return queryset

    def get_serializer_class(self):
        return s.TicketListSerializer if self.action == "list" else s.TicketSerializer

    def get_object(self):
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not value.isdigit() or int(value) > s.MAX_ID:
            raise Http404
        return super().get_object()

    def _answer(
        self,
        ticket: Ticket,
        code: int = status.HTTP_200_OK,
        *,
        in_hand: bool = False,
        serializer: s.TicketSerializer | None = None,
    ) -> Response:
        """The ticket as it now is: read again with what the serializer shows
        or, ``in_hand``, the instance the service returned (a creation: every
        field and related record it shows was just written or read by the
        service), with only its many-to-many lists read. ``serializer``: the
        request's own, already built and validated, shows the answer instead
        of a second one built for it."""
        if in_hand:
            fresh = ticket
            known = getattr(fresh, "_prefetched_objects_cache", {})
            prefetch_related_objects(
                [fresh], *(p for p in DETAIL_PREFETCH if p.prefetch_to not in known)
            )
        else:
            fresh = (
                Ticket.objects.select_related(*LIST_RELATED)
                .prefetch_related(*DETAIL_PREFETCH)
                .get(pk=ticket.pk)
            )
        if serializer is None:
            context = {**self.get_serializer_context(), s.ANSWER_ONLY: True}
            serializer = s.TicketSerializer(fresh, context=context)
        else:
            serializer.instance = fresh
        data = serializer.data
        response = with_etag(Response(data, status=code), fresh.version)
        if code == status.HTTP_201_CREATED:
            response["Location"] = self.request.build_absolute_uri(
                reverse("ticket-detail", args=[fresh.pk])
            )
        return response

    # --- read, create, edit -----------------------------------------------------------
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                str,
                location=OpenApiParameter.HEADER,
                required=False,
                description="The ETag held: 304 Not Modified while it is current.",
            )
        ],
        responses={200: s.TicketSerializer, 304: OpenApiResponse(description="Not modified.")},
    )
    def retrieve(self, request, *args, **kwargs):
        return self.retrieve_with_etag(request, self.get_object())

    @extend_schema(
        parameters=[idempotency.SCHEMA_PARAMETER],
        responses={201: s.TicketSerializer},
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        items = data.pop("configuration_items", ())
        tags = data.pop("tags", ())
        watchers = data.pop("watchers", ())
        ticket = services.create_ticket(
            Ticket(**data), actor=request.user, items=items, tags=tags, watchers=watchers
        )
        return self._answer(ticket, status.HTTP_201_CREATED, in_hand=True, serializer=serializer)

    @extend_schema(
        request=s.TicketSerializer,
        responses={200: s.TicketSerializer, 412: STALE},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        expected = expected_version(request, ticket.version, label=ticket.number)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send the fields as a JSON object.")]})
        refused = {
            str(name): [_refused_field_message(str(name))]
            for name in request.data
            if name not in PATCHABLE
        }
        if refused:
            raise ValidationError(refused)
        serializer = self.get_serializer(ticket, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        items = changes.pop("configuration_items", None)
        current = ticket
        with transaction.atomic():
            if changes:
                current = services.update_ticket(
                    current, actor=request.user, changes=changes, expected_version=expected
                )
                expected = current.version if expected is not None else None
            if items is not None:
                current = services.set_items(
                    current, actor=request.user, items=items, expected_version=expected
                )
        return self._answer(current)

    # --- lifecycle ----------------------------------------------------------------------
    def _act(self, request, body: type, call) -> Response:
        ticket = self.get_object()
        expected = expected_version(request, ticket.version, label=ticket.number)
        payload = body(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        values.pop("version", None)
        return self._answer(call(ticket, request.user, values, expected))

    @_action_schema(s.TransitionSerializer, "Move the ticket to another status")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def transition(self, request, pk=None):
        return self._act(
            request,
            s.TransitionSerializer,
            lambda t, u, v, e: services.transition(
                t,
                actor=u,
                to=v["to"],
                reason=v["reason"],
                assignment_group=v.get("assignment_group", UNSET),
                assignee=v.get("assignee", UNSET),
                resolution_code=v["resolution_code"],
                resolution_notes=v["resolution_notes"],
                expected_version=e,
            ),
        )

    @_action_schema(s.AssignSerializer, "Give the ticket to a group (and one of its members)")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def assign(self, request, pk=None):
        return self._act(
            request,
            s.AssignSerializer,
            lambda t, u, v, e: services.assign(
                t, actor=u, group=v["assignment_group"], assignee=v["assignee"], expected_version=e
            ),
        )

    @_action_schema(s.StartSerializer, "Work on the ticket (taken by the caller if unassigned)")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def start(self, request, pk=None):
        return self._act(
            request,
            s.StartSerializer,
            lambda t, u, v, e: services.start(
                t,
                actor=u,
                assignment_group=v.get("assignment_group", UNSET),
                expected_version=e,
            ),
        )

    @_action_schema(s.WaitSerializer, "Wait on the requester, a vendor or a change")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def wait(self, request, pk=None):
        return self._act(
            request,
            s.WaitSerializer,
            lambda t, u, v, e: services.wait(
                t, actor=u, on=v["on"], reason=v["reason"], expected_version=e
            ),
        )

    @_action_schema(s.VersionedSerializer, "Back to work after waiting")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def resume(self, request, pk=None):
        return self._act(
            request,
            s.VersionedSerializer,
            lambda t, u, v, e: services.resume(t, actor=u, expected_version=e),
        )

    @_action_schema(s.ResolveSerializer, "Resolve the ticket with a resolution code")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def resolve(self, request, pk=None):
        return self._act(
            request,
            s.ResolveSerializer,
            lambda t, u, v, e: services.resolve(
                t, actor=u, code=v["code"], notes=v["notes"], expected_version=e
            ),
        )

    @_action_schema(s.VersionedSerializer, "Close a resolved ticket")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def close(self, request, pk=None):
        return self._act(
            request,
            s.VersionedSerializer,
            lambda t, u, v, e: services.close(t, actor=u, expected_version=e),
        )

    @_action_schema(s.ReasonSerializer, "Reopen a resolved ticket, with a reason")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reopen(self, request, pk=None):
        return self._act(
            request,
            s.ReasonSerializer,
            lambda t, u, v, e: services.reopen(t, actor=u, reason=v["reason"], expected_version=e),
        )

    @_action_schema(s.ReasonSerializer, "Cancel the ticket, with a reason")
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def cancel(self, request, pk=None):
        return self._act(
            request,
            s.ReasonSerializer,
            lambda t, u, v, e: services.cancel(t, actor=u, reason=v["reason"], expected_version=e),
        )

    # --- priority and links ---------------------------------------------------------
    @_action_schema(
        s.PriorityOverrideSerializer,
        "Override the priority (POST, with a reason) or give back the computed one (DELETE)",
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def priority(self, request, pk=None):
        if request.method == "DELETE":
            return self._act(
                request,
                s.VersionedSerializer,
                lambda t, u, v, e: services.clear_priority_override(t, actor=u, expected_version=e),
            )
        return self._act(
            request,
            s.PriorityOverrideSerializer,
            lambda t, u, v, e: services.override_priority(
                t, actor=u, priority=v["priority"], reason=v["reason"], expected_version=e
            ),
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=s.TicketLinkSerializer(many=True),
        summary="The ticket's links, both ways, to tickets the caller sees",
    )
    @_action_schema(
        s.LinkRequestSerializer,
        "Link the ticket to another (POST) or remove that link (DELETE)",
        methods=["POST", "DELETE"],
    )
    @action(
        detail=True,
        methods=["get", "post", "delete"],
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def links(self, request, pk=None):
        if request.method == "GET":
            return self._list_links(self.get_object())
        if request.method == "DELETE":
            data = request.data if request.data else request.query_params.dict()
            return self._act_on(data, request, self._unlink)
        return self._act_on(request.data, request, self._link)

    def _list_links(self, ticket: Ticket) -> Response:
        visible = Ticket.objects.restrict(self.request.user, "view").values("pk")
        links = (
            TicketLink.objects.filter(
                Q(source=ticket, target__in=visible) | Q(target=ticket, source__in=visible)
            )
            .select_related("source", "target")
            .order_by("kind", "pk")
        )
        return Response(s.TicketLinkSerializer(links, many=True).data)

    def _act_on(self, data: Any, request, call) -> Response:
        ticket = self.get_object()
        expected = expected_version(request, ticket.version, label=ticket.number)
        payload = s.LinkRequestSerializer(data=data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return self._answer(call(ticket, payload.validated_data, expected))

    def _link(self, ticket: Ticket, values: dict, expected: int | None) -> Ticket:
        services.link_tickets(
            ticket,
            values["target"],
            actor=self.request.user,
            kind=values["kind"],
            expected_version=expected,
        )
        return ticket

    def _unlink(self, ticket: Ticket, values: dict, expected: int | None) -> Ticket:
        link = TicketLink.objects.filter(
            source=ticket, kind=values["kind"], target=values["target"]
        ).first()
        if link is None:
            raise NotFound(
                _("%(source)s has no such link to %(target)s.")
                % {"source": ticket.number, "target": values["target"].number}
            )
        return services.unlink_tickets(link, actor=self.request.user, expected_version=expected)


ROUTES = [("tickets", TicketViewSet, "ticket")]
urlpatterns: list = []
