"""Liveness and readiness probes."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from b2bplatform.celery import app as celery_app


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=3)


def check_storage() -> None:
    name = default_storage.save(f"health/probe-{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health_health_get",  # the reference contract's name
        summary="Liveness: the process answers",
        responses=inline_serializer("HealthResponse", {"status": serializers.CharField()}),
        tags=["System"],
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


ReadyResponseSerializer = inline_serializer(
    "ReadyResponse",
    {"status": serializers.CharField(), "checks": serializers.DictField(child=serializers.CharField())},
)


class ReadyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health_ready",
        summary="Readiness: database, broker and storage",
        responses={200: ReadyResponseSerializer, 503: ReadyResponseSerializer},
        tags=["System"],
    )
    def get(self, request: Request) -> Response:
        checks: dict[str, str] = {}
        for name, check in CHECKS.items():
            try:
                check()
            except Exception as exc:  # any failure makes the service not ready
                checks[name] = f"{type(exc).__name__}: {exc}"[:300]
            else:
                checks[name] = "ok"
        healthy = all(value == "ok" for value in checks.values())
        return Response({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
