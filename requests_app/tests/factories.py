"""Factories for buyer requests and their keys, used by this app's tests and by other apps'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from accounts.tests.factories import UserFactory
from requests_app.models import KeySupplierLink, ModeratorTask, Request, RequestKey, RequestStatus
from requests_app.normalize import normalize_key_text


class RequestOwnerFactory(UserFactory):
    """A buyer; pass ``owner=`` to the request factories to use one of the conftest personas instead."""

    email = factory.Sequence(lambda n: f"buyer{n}@requests.example")


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Request

    owner = factory.SubFactory(RequestOwnerFactory)
    title = factory.Sequence(lambda n: f"Request {n}")
    status = RequestStatus.DRAFT


class RequestKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestKey

    request = factory.SubFactory(RequestFactory)
    pos = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Фланец плоский Д{100 + n}")
    normalized_text = factory.LazyAttribute(lambda key: normalize_key_text(key.text))
    qty = Decimal("10")
    unit = "шт"


class ModeratorTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModeratorTask

    request = factory.SubFactory(RequestFactory, status=RequestStatus.CONFIRMED)


class KeySupplierLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeySupplierLink

    key = factory.SubFactory(RequestKeyFactory)
    supplier = factory.SubFactory("suppliers.tests.factories.SupplierFactory")


def make_request_with_keys(n: int, **request_fields: Any) -> Request:
    """A request with keys at pos 1..n, inserted in one statement (fast enough for thousands of keys)."""
    request = RequestFactory(**request_fields)
    RequestKey.objects.bulk_create(
        RequestKey(
            request=request,
            pos=pos,
            text=f"Труба стальная 57х{pos}",
            normalized_text=normalize_key_text(f"Труба стальная 57х{pos}"),
            qty=Decimal(pos),
            unit="м",
        )
        for pos in range(1, n + 1)
    )
    return request
