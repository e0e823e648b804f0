"""CMDB API: import jobs.

``POST /api/cmdb/imports/`` (multipart: ``file``, ``kind`` items|relations,
``dry_run``, ``valid_only``) checks the file and answers 202 with the job; a
small file has already run, a large one runs in the background. ``GET
/api/cmdb/imports/{id}/`` gives its status, progress, counts and row errors
``{row, column, message}``. A bad file (not CSV/XLSX, too large, empty,
missing columns) is a 400 on ``file`` and creates no job (STYLE.md principle
6). Jobs are the caller's own: another person's job is a 404.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from caducee.cmdb.imports import KINDS, jobs_of, submit_import
from caducee.core.imports import check_size
from caducee.core.models import ImportJob
from caducee.core.services.errors import DomainError


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=sorted(KINDS))
    dry_run = serializers.BooleanField(default=False)
    valid_only = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        try:
            check_size(upload.size)
        except DomainError as exc:
            raise serializers.ValidationError(exc.message) from exc
        return upload


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    dry_run = serializers.BooleanField(read_only=True)
    valid_only = serializers.BooleanField(read_only=True)
    percent = serializers.IntegerField(read_only=True)
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file_name",
            "status",
            "phase",
            "dry_run",
            "valid_only",
            "total_rows",
            "processed_rows",
            "percent",
            "counts",
            "ignored_columns",
            "committed",
            "message",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
            "page",
        ]
        read_only_fields = fields

    def get_kind(self, job: ImportJob) -> str:
        return job.kind.removeprefix("cmdb.")

    def get_counts(self, job: ImportJob) -> dict[str, int]:
        return {
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "errors": job.error_count,
        }

    @extend_schema_field(ImportErrorSerializer(many=True))
    def get_errors(self, job: ImportJob) -> list[dict]:
        return [{"row": r, "column": c, "message": m} for r, c, m in job.errors]

    def get_page(self, job: ImportJob) -> str:
        request = self.context.get("request")
        url = reverse("cmdb:import_job", args=[job.pk])
        return request.build_absolute_uri(url) if request else url


class ImportJobViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Your CMDB import jobs: start one (a file), follow it, list them."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportJobSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ImportJob.objects.none()
        return jobs_of(self.request.user)

    @extend_schema(request=ImportRequestSerializer, responses={202: ImportJobSerializer})
    def create(self, request, *args, **kwargs):
        given = ImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        job = submit_import(
            actor=request.user,
            kind=given.validated_data["kind"],
            name=upload.name,
            data=upload.read(),
            dry_run=given.validated_data["dry_run"],
            valid_only=given.validated_data["valid_only"],
        )
        body = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


ROUTES = [("imports", ImportJobViewSet, "import-job")]
urlpatterns: list = []
