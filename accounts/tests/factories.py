"""Factories of the accounts app."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import OtpChallenge, User
from accounts.otp import CODE_LIFETIME, code_hmac


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@buyer.example")

    @classmethod
    def _create(cls, model_class: type[User], *args, **kwargs) -> User:
        return model_class.objects.create_user(*args, **kwargs)


class OtpChallengeFactory(factory.django.DjangoModelFactory):
    """An open challenge whose code is ``code`` (default ``"123456"``); only its HMAC is stored."""

    class Meta:
        model = OtpChallenge
        exclude = ("code",)

    class Params:
        code = "123456"

    email = factory.Sequence(lambda n: f"otp{n}@buyer.example")
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + CODE_LIFETIME)
    code_hmac = factory.LazyAttribute(lambda o: code_hmac(email=o.email, code=o.code))


def expired_challenge(**fields) -> OtpChallenge:
    created = timezone.now() - timedelta(days=3)
    return OtpChallengeFactory(created_at=created, expires_at=created + CODE_LIFETIME, **fields)
