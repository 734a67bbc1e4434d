"""Every label the console shows exists in Russian and English (PRODUCT §2.10): model names, column headers, the
fields of the change pages, list filters, fieldset titles and inlines of every registered ``ModelAdmin`` —
ours and the libraries' (simplejwt's token records included).

A label counts as untranslated when it reads the same in both languages and has Latin letters, except the few
technical names Russian writes in Latin too (``ALLOWED``). ``e-mail`` is one: the catalogue's choice since issue 13.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, label_for_field
from django.test import RequestFactory
from django.utils import translation

from accounts.models import OtpChallenge, OtpFailureStreak, User

pytestmark = pytest.mark.django_db

# Names Russian writes as they are (compared in lower case): identifiers and protocol terms.
ALLOWED = {"id", "e-mail", "message-id", "uidvalidity", "sha-256", "sha256"}


def _superuser_request() -> Any:
    request = RequestFactory().get("/admin/")
    request.user = User(is_active=True, is_staff=True, is_superuser=True)
    return request


def _fieldsets(model_admin: admin.ModelAdmin, request: Any) -> list[Any]:
    """The add page's fieldsets and, when declared apart, the change page's."""
    return [*model_admin.get_fieldsets(request), *(model_admin.fieldsets or ())]


def _names(model_admin: admin.ModelAdmin, request: Any) -> Iterator[Any]:
    yield from model_admin.get_list_display(request)
    for entry in model_admin.get_list_filter(request):
        name = entry[0] if isinstance(entry, (list, tuple)) else entry
        if isinstance(name, str):
            yield name
    for _title, options in _fieldsets(model_admin, request):
        for line in options["fields"]:  # a name, a callable, or a row of them
            yield from (line if isinstance(line, (list, tuple)) else (line,))


def _label(name: Any, model: Any, model_admin: admin.ModelAdmin, form_fields: dict[str, Any]) -> str:
    if isinstance(name, str) and "__" in name.strip("_"):  # a filter across a relation is titled by the last field
        return str(get_fields_from_path(model, name)[-1].verbose_name)
    if isinstance(name, str) and name in form_fields and form_fields[name].label is not None:  # a form's own field
        return str(form_fields[name].label)
    return str(label_for_field(name, model, model_admin))


def _labels(model: Any, model_admin: admin.ModelAdmin) -> Iterator[tuple[str, str]]:
    request = _superuser_request()
    form_fields = model_admin.get_form(request).base_fields
    yield "model", str(model._meta.verbose_name)
    yield "model plural", str(model._meta.verbose_name_plural)
    for name in dict.fromkeys(_names(model_admin, request)):
        yield f"field {name}", _label(name, model, model_admin, form_fields)
    for title, _options in _fieldsets(model_admin, request):
        if title:
            yield "fieldset", str(title)
    for inline in model_admin.get_inline_instances(request):
        yield "inline", str(inline.verbose_name_plural)


def untranslated() -> list[tuple[str, str, str]]:
    found = []
    for model, model_admin in admin.site._registry.items():
        with translation.override("ru"):
            russian = list(_labels(model, model_admin))
        with translation.override("en"):
            english = list(_labels(model, model_admin))
        for (what, ru), (_what, en) in zip(russian, english, strict=True):
            if ru == en and ru.lower() not in ALLOWED and any("a" <= char.lower() <= "z" for char in ru):
                found.append((model._meta.label, what, ru))
    return found


def test_every_console_label_has_a_russian_text() -> None:
    assert untranslated() == []


def test_the_check_sees_an_english_only_label(monkeypatch) -> None:
    """The check above can fail: a label without a translation is reported."""
    monkeypatch.setattr(OtpFailureStreak._meta.get_field("failures"), "verbose_name", "failures")
    assert ("accounts.OtpFailureStreak", "field failures", "failures") in untranslated()


def test_the_accounts_console_speaks_russian(console, make_user) -> None:
    """The values the accounts pages write themselves: the role, a login code's state, the records' names."""
    buyer = make_user("buyer@example.com")
    challenge = OtpChallenge.objects.create(email=buyer.email, expires_at="2030-01-01T00:00:00Z")
    streak = OtpFailureStreak.objects.create(email=buyer.email, failures=3)
    with translation.override("ru"):
        users = console.get("/admin/accounts/user/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        codes = console.get("/admin/accounts/otpchallenge/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert (str(challenge), str(streak)) == (
            f"Код входа №{challenge.pk} для buyer@example.com",
            "buyer@example.com: 3 неудачные попытки",
        )
    assert "покупатель" in users and ">buyer<" not in users
    assert "действует" in codes and ">open<" not in codes
