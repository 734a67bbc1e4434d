"""Request and response bodies of the Auth endpoints (names follow the contract; ``Auth`` prefix otherwise)."""

from typing import Any

from rest_framework import serializers

from .emails import InvalidEmail, canonical_email
from .models import EmailPolicy, User


class CanonicalEmailField(serializers.EmailField):
    """An e-mail address reduced to its canonical form (``accounts/emails.py``) before anything else sees it.

    The validators (syntax, 254 characters) run on the canonical form, so the view and the services only ever
    get the one string the code is sent to, the limits are counted on and the user is looked up by.
    """

    def to_internal_value(self, data: Any) -> str:
        try:
            return canonical_email(super().to_internal_value(data))
        except InvalidEmail as exc:
            raise serializers.ValidationError(exc.message, code="value_error") from None


class AuthOtpRequestDTOSerializer(serializers.Serializer):
    email = CanonicalEmailField(max_length=254)


class AuthOtpVerifyDTOSerializer(serializers.Serializer):
    email = CanonicalEmailField(max_length=254)
    code = serializers.RegexField(
        r"^[0-9]{6}$", min_length=6, max_length=6, error_messages={"invalid": "The code is 6 digits."}
    )


class AuthOtpRequestResponseDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    resendafter = serializers.IntegerField(help_text="Seconds before another code can be requested.")


class UserDTOSerializer(serializers.ModelSerializer):
    emailpolicy = serializers.ChoiceField(choices=EmailPolicy.choices, read_only=True)
    ismoderator = serializers.BooleanField(source="is_moderator", read_only=True)
    createdat = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = User
        fields = ("id", "email", "emailpolicy", "ismoderator", "createdat")
        read_only_fields = fields


class AuthTokenPairDTOSerializer(serializers.Serializer):
    accesstoken = serializers.CharField(source="access")
    refreshtoken = serializers.CharField(source="refresh")
    tokentype = serializers.SerializerMethodField()
    expiresin = serializers.IntegerField(source="expires_in", help_text="Lifetime of the access token, seconds.")

    def get_tokentype(self, obj: object) -> str:
        return "Bearer"


class AuthLoginResponseDTOSerializer(AuthTokenPairDTOSerializer):
    """The token pair plus the user; built from ``services.Login`` (``tokens`` and ``user``)."""

    accesstoken = serializers.CharField(source="tokens.access")
    refreshtoken = serializers.CharField(source="tokens.refresh")
    expiresin = serializers.IntegerField(source="tokens.expires_in", help_text="Lifetime of the access token, seconds.")
    user = UserDTOSerializer()


class AuthRefreshTokenDTOSerializer(serializers.Serializer):
    refreshtoken = serializers.CharField(max_length=4096)


class AuthEmailPolicyDTOSerializer(serializers.Serializer):
    emailpolicy = serializers.ChoiceField(choices=EmailPolicy.choices)


class AuthSuccessDTOSerializer(serializers.Serializer):
    success = serializers.BooleanField()
