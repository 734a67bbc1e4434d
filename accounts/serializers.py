"""Request and response bodies of the Auth endpoints (names follow the contract; ``Auth`` prefix otherwise)."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import InnField

from . import profile as rules
from .emails import InvalidEmail, canonical_email
from .models import BuyerProfile, EmailPolicy, User
from .selectors import profile_of

# The contract's profile field → the model's (and the service's) name.
PROFILE_NAMES = {
    "companyname": "company_name",
    "companyinn": "company_inn",
    "contactname": "contact_name",
    "phone": "phone",
    "signature": "signature",
    "defaultsubject": "default_subject",
    "defaultbody": "default_body",
    "language": "language",
}


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


class BuyerProfileDTOSerializer(serializers.Serializer):
    """Every field of the profile; null when not set (stored as an empty string)."""

    companyname = serializers.CharField(source="company_name", allow_null=True)
    companyinn = serializers.CharField(source="company_inn", allow_null=True)
    contactname = serializers.CharField(source="contact_name", allow_null=True)
    phone = serializers.CharField(allow_null=True)
    signature = serializers.CharField(allow_null=True)
    defaultsubject = serializers.CharField(source="default_subject", allow_null=True)
    defaultbody = serializers.CharField(source="default_body", allow_null=True)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        allow_null=True,
        help_text="The language of the buyer's supplier e-mails; null: the platform's default.",
    )

    def to_representation(self, instance: BuyerProfile) -> dict[str, Any]:
        return {key: value or None for key, value in super().to_representation(instance).items()}


def _text(max_length: int, *validators: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_null=True, allow_blank=True, validators=list(validators)
    )


class AuthProfileDTOSerializer(serializers.Serializer):
    """Body of ``PUT /auth/profile``: only the fields given change; null (or "") clears a field."""

    companyname = _text(rules.COMPANY_NAME_MAX, rules.validate_single_line)
    companyinn = InnField(required=False, allow_null=True, allow_blank=True)
    contactname = _text(rules.CONTACT_NAME_MAX, rules.validate_single_line)
    phone = _text(rules.PHONE_MAX, rules.validate_phone)
    signature = _text(rules.SIGNATURE_MAX, rules.validate_multi_line)
    defaultsubject = _text(rules.DEFAULT_SUBJECT_MAX, rules.validate_single_line)
    defaultbody = _text(rules.DEFAULT_BODY_MAX, rules.validate_multi_line)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_null=True, allow_blank=True)


class UserDTOSerializer(serializers.ModelSerializer):
    emailpolicy = serializers.ChoiceField(choices=EmailPolicy.choices, read_only=True)
    ismoderator = serializers.BooleanField(source="is_moderator", read_only=True)
    createdat = serializers.DateTimeField(source="created_at", read_only=True)
    profile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "email", "emailpolicy", "ismoderator", "createdat", "profile")
        read_only_fields = fields

    @extend_schema_field(BuyerProfileDTOSerializer)
    def get_profile(self, user: User) -> dict[str, Any]:
        return BuyerProfileDTOSerializer(profile_of(user)).data


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
