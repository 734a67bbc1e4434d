"""What a newcomer meets first in the console: header links that lead somewhere, plural names that read right."""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db
OUR_APPS = {"accounts", "requests_app", "attachments", "suppliers", "blacklist", "messaging", "discovery", "quotes"}


def test_every_link_in_the_console_header_leads_to_a_page(console: Client) -> None:
    html = console.get("/admin/").content.decode()
    header = html.split('id="user-tools"')[1].split("</div>")[0]
    links = [link for link in re.findall(r'href="([^"]+)"', header) if not link.startswith("#")]

    assert "View site" not in html  # it led to "/", which is a 404: the platform has no public site
    for link in links:
        assert console.get(link, follow=True).status_code == 200, link


def test_every_model_named_in_the_singular_is_named_in_the_plural_too() -> None:
    """Django's default plural is the singular + "s": "OTP failure streak (address lock)s" in English and
    "Одноразовый код входаs" in Russian."""
    models = [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]
    assert len(models) > 15
    unnamed = [
        model._meta.label
        for model in models
        if "verbose_name" in model._meta.original_attrs and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert unnamed == []
    for language in ("en", "ru"):
        with translation.override(language):
            assert [m._meta.label for m in models if str(m._meta.verbose_name_plural).endswith(")s")] == []
