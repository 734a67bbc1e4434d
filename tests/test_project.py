"""Project-level guarantees: migrations, contract drift, production settings, admin, docs."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"makemigrations --check found changes:\n{out.getvalue()} (exit {exc.code})")


def test_committed_contract_matches_the_code(tmp_path):
    generated = tmp_path / "api-contracts.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    committed = (ROOT / "api-contracts.yaml").read_text()
    assert generated.read_text() == committed, "api-contracts.yaml drifted from the code: run `make schema`"


def _contract_generated_with(tmp_path, **env: str) -> str:
    """The contract as ``manage.py spectacular`` writes it in a fresh process with ``env`` added."""
    generated = tmp_path / "api-contracts.yaml"
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(generated)],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return generated.read_text()


@pytest.mark.parametrize("hash_seed", ["1", "2"])
def test_contract_does_not_depend_on_string_hashing(tmp_path, hash_seed):
    """Viewset methods reach drf-spectacular as a set; the order must not follow PYTHONHASHSEED."""
    generated = _contract_generated_with(
        tmp_path, PYTHONHASHSEED=hash_seed, DJANGO_SETTINGS_MODULE="b2bplatform.settings.test"
    )
    assert generated == (ROOT / "api-contracts.yaml").read_text()


def test_contract_does_not_depend_on_the_language(tmp_path):
    """Choice labels and help texts are translated; the contract stays in the source language whatever
    ``LANGUAGE_CODE`` is (here the embedded default's Russian)."""
    generated = _contract_generated_with(
        tmp_path, DJANGO_SETTINGS_MODULE="b2bplatform.settings.local", LANGUAGE_CODE="ru"
    )
    assert generated == (ROOT / "api-contracts.yaml").read_text()


def _run_production_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "JWT_SIGNING_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "b2bplatform.settings.production", "ALLOWED_HOSTS": "b2b.example.com"})
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


GOOD_SECRET = "k8#Jw2!pQ9zR4@tY7&uE1^oL5*aS3(dF6)gH0_jK2+lZ8-xC4=vB7~nM1qW5eT9yU3iO6p"
GOOD_JWT_KEY = "Xy7$Pq2!Lm9@Nb4#Vc8%Zx1^Ws6&Ed3*Rf5(Tg0)Yh7_Uj2+Ik9-Ol4=Pa8~Sd1fG6hJ3k"


def test_production_refuses_a_missing_secret():
    result = _run_production_check({"JWT_SIGNING_KEY": GOOD_JWT_KEY})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_default_secret():
    result = _run_production_check(
        {"SECRET_KEY": "insecure-embedded-default-secret-key-change-me", "JWT_SIGNING_KEY": GOOD_JWT_KEY}
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_missing_jwt_key():
    result = _run_production_check({"SECRET_KEY": GOOD_SECRET})
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _run_production_check({"SECRET_KEY": GOOD_SECRET, "JWT_SIGNING_KEY": GOOD_JWT_KEY})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"id_username" in response.content


@pytest.mark.django_db
def test_admin_index_renders_for_a_superuser(client):
    admin = UserFactory(email="root@example.com", superuser=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_api_documentation_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    if path == "/openapi.json":
        assert response.json()["info"]["title"] == "B2B Platform API"


def _settings_variables() -> set[str]:
    import re

    pattern = re.compile(r"""env(?:\.[a-z]+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    return {
        name for path in (ROOT / "b2bplatform" / "settings").glob("*.py") for name in pattern.findall(path.read_text())
    }


def test_every_environment_variable_is_documented() -> None:
    names = _settings_variables()
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()

    assert len(names) > 20  # the pattern finds the settings' variables
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
    assert sorted(n for n in names if f"{n}=" not in example) == []


def test_services_and_selectors_typecheck() -> None:
    """mypy with django-stubs over core and the services and selectors (`make typecheck`, part of `make lint`)."""
    files = sorted(
        str(path.relative_to(ROOT))
        for pattern in ("core/*.py", "*/services.py", "*/selectors.py", "*/decisions.py", "*/moderation.py")
        for path in ROOT.glob(pattern)
        if ".venv" not in path.parts
    )
    assert len(files) >= 12

    result = subprocess.run(
        [sys.executable, "-m", "mypy", *files], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_request_bodies_are_json_except_the_file_uploads() -> None:
    import yaml

    contract = yaml.safe_load((ROOT / "api-contracts.yaml").read_text())
    media = {
        operation["operationId"]: sorted(operation["requestBody"]["content"])
        for path in contract["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "requestBody" in operation
    }

    uploads = {name for name, types in media.items() if types == ["multipart/form-data"]}
    assert uploads == {
        "upload_and_create_user_upload_and_create_post",
        "upload_preview_user_upload_preview_post",
        "upload_attachment_user_attachments_post",
    }
    assert {name: types for name, types in media.items() if name not in uploads and types != ["application/json"]} == {}
