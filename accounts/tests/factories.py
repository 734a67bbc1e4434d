"""Factories of the accounts app."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, OtpChallenge, User
from accounts.otp import CODE_LIFETIME, code_hmac


class UserFactory(factory.django.DjangoModelFactory):
    """A buyer by default; ``moderator=True`` is staff in the moderators group, ``superuser=True`` a superuser.

    Users are made through ``User.objects.create_user``, so the e-mail is canonical and, without a
    ``password``, the password is unusable (buyers log in with a code), as in production.
    """

    class Meta:
        model = User

    class Params:
        moderator = False
        superuser = False

    email = factory.Sequence(lambda n: f"user{n}@buyer.example")
    password = None
    is_staff = factory.LazyAttribute(lambda o: o.moderator or o.superuser)
    is_superuser = factory.SelfAttribute("superuser")
    in_moderators_group = factory.SelfAttribute("moderator")  # not a field: taken out in _create

    @classmethod
    def _create(cls, model_class: type[User], *args, in_moderators_group: bool = False, **kwargs) -> User:
        user = model_class.objects.create_user(*args, **kwargs)
        if in_moderators_group:
            # get_or_create: a transactional test flushes the tables, the data migration's group included
            user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
        return user


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
