"""`ensure_demo_admin` (run by `make run`): its one line is the banner's login hint."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("ensure_demo_admin", stdout=out)
    return out.getvalue()


def test_the_credentials_are_printed_only_when_the_demo_admin_is_created() -> None:
    first = _run()
    second = _run()

    assert first.strip() == "Demo admin created: admin@example.com / admin"
    assert User.objects.get(email="admin@example.com").is_superuser
    assert "admin@example.com / admin" not in second
    assert "log in with that superuser's e-mail and password" in second
    assert "changepassword" in second
    assert len(second.strip().splitlines()) == 1  # one line for the banner
