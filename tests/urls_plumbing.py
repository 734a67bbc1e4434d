"""Views that raise each kind of error, to test the exception handler and pagination in isolation."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core import errors


class KeySerializer(serializers.Serializer):
    pos = serializers.IntegerField(min_value=1)
    text = serializers.CharField()


class BodySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=5)
    keys = KeySerializer(many=True)


class ValidateView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        BodySerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})


class DomainErrorView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise errors.InvalidState("Only drafts can change.", supplierids=[1, 2])


class ThrottleView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise errors.TooManyRequests(retry_after=42)


class CrashView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


class AuthView(APIView):
    def get(self, request):
        return Response({"ok": True})


class UserEmailSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email"]


class UsersView(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = UserEmailSerializer

    def get_queryset(self):
        return User.objects.order_by("id")


urlpatterns = [
    path(
        "api/v1/",
        include(
            [
                path("validate", ValidateView.as_view()),
                path("domain-error", DomainErrorView.as_view()),
                path("throttle", ThrottleView.as_view()),
                path("crash", CrashView.as_view()),
                path("auth", AuthView.as_view()),
                path("users", UsersView.as_view()),
            ]
        ),
    ),
]
handler404 = "core.handlers.not_found"
handler500 = "core.handlers.server_error"
