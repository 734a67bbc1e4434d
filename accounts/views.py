"""Auth endpoints: validate → one service → serialize.

Two ViewSets because the two halves differ in who may call them: ``LoginViewSet`` is anonymous (no
authentication at all, so a stale token cannot turn a login into a 401), ``SessionViewSet`` needs the caller's
access token. Routed explicitly in ``urls.py``; bodies are JSON (the default parser, ``core.parsers.JSONParser``).
"""

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .client_ip import client_ip
from .serializers import (
    PROFILE_NAMES,
    AuthEmailPolicyDTOSerializer,
    AuthLoginResponseDTOSerializer,
    AuthOtpRequestDTOSerializer,
    AuthOtpRequestResponseDTOSerializer,
    AuthOtpVerifyDTOSerializer,
    AuthProfileDTOSerializer,
    AuthRefreshTokenDTOSerializer,
    AuthSuccessDTOSerializer,
    AuthTokenPairDTOSerializer,
    UserDTOSerializer,
)

OTP_SENT_MESSAGE = "If this address can sign in, a 6-digit code is on its way. It is valid for 10 minutes."

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before trying again.",
)
# The shared error components are defined by core/schema.py, which also adds 401 and 422 everywhere.
ERROR_DTO = {"$ref": "#/components/schemas/ErrorDTO"}
TOO_MANY = OpenApiResponse(ERROR_DTO, description="Over a limit; see Retry-After")
INVALID_REFRESH = OpenApiResponse(ERROR_DTO, description="Refresh token invalid, expired, blacklisted or foreign")


def _validated(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# No class docstrings here: drf-spectacular would publish them as the description of every operation.


# Asking for a code, exchanging it for tokens, rotating the refresh token: before there is a session.
class LoginViewSet(viewsets.ViewSet):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_otp_request_auth_otp_request_post",
        summary="E-mail a one-time login code",
        description="The same answer for every address (known, unknown or inactive).",
        tags=["Auth"],
        request=AuthOtpRequestDTOSerializer,
        responses={200: AuthOtpRequestResponseDTOSerializer, 429: TOO_MANY},
        parameters=[RETRY_AFTER],
    )
    def otp_request(self, request: Request) -> Response:
        data = _validated(AuthOtpRequestDTOSerializer, request)
        services.otp_request(email=data["email"], ip=client_ip(request))
        body = {"success": True, "message": OTP_SENT_MESSAGE, "resendafter": services.OTP_RESEND_AFTER_SECONDS}
        return Response(AuthOtpRequestResponseDTOSerializer(body).data)

    @extend_schema(
        operation_id="auth_otp_verify_auth_otp_verify_post",
        summary="Exchange a one-time code for JWT tokens",
        description="Creates the user on the first successful verify. Wrong, expired, used or unknown codes "
        "all answer the same 400 `invalid_code`.",
        tags=["Auth"],
        request=AuthOtpVerifyDTOSerializer,
        responses={
            200: AuthLoginResponseDTOSerializer,
            400: OpenApiResponse(ERROR_DTO, description="invalid_code: wrong, expired, used or never requested"),
            429: TOO_MANY,
        },
        parameters=[RETRY_AFTER],
    )
    def otp_verify(self, request: Request) -> Response:
        data = _validated(AuthOtpVerifyDTOSerializer, request)
        login = services.otp_verify(email=data["email"], code=data["code"])
        return Response(AuthLoginResponseDTOSerializer(login).data)

    @extend_schema(
        operation_id="auth_token_refresh_auth_token_refresh_post",
        summary="Rotate the refresh token",
        description="Answers a new pair; the presented refresh token is blacklisted.",
        tags=["Auth"],
        request=AuthRefreshTokenDTOSerializer,
        responses={200: AuthTokenPairDTOSerializer, 401: INVALID_REFRESH},
    )
    def token_refresh(self, request: Request) -> Response:
        data = _validated(AuthRefreshTokenDTOSerializer, request)
        pair = services.token_refresh(refresh_token=data["refreshtoken"])
        return Response(AuthTokenPairDTOSerializer(pair).data)


# The logged-in caller: log out, who am I, my e-mail policy, my profile.
class SessionViewSet(viewsets.ViewSet):
    # The service's Python names → the contract's body fields (``company_inn`` → ``companyinn``, …).
    error_names: ClassVar[dict[str, str]] = {python: contract for contract, python in PROFILE_NAMES.items()}

    @extend_schema(
        operation_id="auth_logout_auth_logout_post",
        summary="Log out: blacklist the refresh token",
        tags=["Auth"],
        request=AuthRefreshTokenDTOSerializer,
        responses={200: AuthSuccessDTOSerializer, 401: INVALID_REFRESH},
    )
    def logout(self, request: Request) -> Response:
        data = _validated(AuthRefreshTokenDTOSerializer, request)
        services.logout(user=request.user, refresh_token=data["refreshtoken"])
        return Response(AuthSuccessDTOSerializer({"success": True}).data)

    @extend_schema(
        operation_id="auth_me_auth_me_get",
        summary="The current user",
        tags=["Auth"],
        responses={200: UserDTOSerializer},
    )
    def me(self, request: Request) -> Response:
        return Response(UserDTOSerializer(selectors.user_get(user_id=request.user.pk)).data)

    @extend_schema(
        operation_id="auth_profile_auth_profile_put",
        summary="Set the buyer's profile",
        description="Company, INN (checksum verified), contact person, phone, signature, the default subject "
        "and body of supplier e-mails, and their language. Only the fields given change; null or an empty "
        "string clears a field. Answers the user with the whole profile.",
        tags=["Auth"],
        request=AuthProfileDTOSerializer,
        responses={200: UserDTOSerializer},
    )
    def profile(self, request: Request) -> Response:
        data = _validated(AuthProfileDTOSerializer, request)
        changes = {PROFILE_NAMES[name]: value for name, value in data.items()}
        user = services.profile_update(user=request.user, changes=changes)
        return Response(UserDTOSerializer(user).data)

    @extend_schema(
        operation_id="auth_policy_auth_policy_put",
        summary="Set the e-mail policy",
        description="`appendonly` (default): messages cannot be deleted; `allowdelete`: the buyer may hide them.",
        tags=["Auth"],
        request=AuthEmailPolicyDTOSerializer,
        responses={200: UserDTOSerializer},
    )
    def policy(self, request: Request) -> Response:
        data = _validated(AuthEmailPolicyDTOSerializer, request)
        user = services.user_set_email_policy(user=request.user, policy=data["emailpolicy"])
        return Response(UserDTOSerializer(user).data)
