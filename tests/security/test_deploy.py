"""Static gates: Django's deployment checklist on the production settings, and bandit on the project code."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _production_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="b2bplatform.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        JWT_SIGNING_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="b2b.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/b2bplatform_test"),
    )
    return env


def test_check_deploy_is_clean_on_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_default_secret() -> None:
    env = {**_production_env(), "SECRET_KEY": "insecure-embedded-default-secret-key-change-me"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bandit_finds_nothing_of_medium_or_high_severity() -> None:
    result = subprocess.run(
        [str(BIN / "bandit"), "-ll", "-q", "-f", "json", "-r", ".", "-x", "./.venv,./tests,*/tests/*,./var"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    issues = json.loads(result.stdout)["results"]
    found = [f"{i['filename'].removeprefix('./')}:{i['line_number']} {i['test_id']} {i['issue_text']}" for i in issues]

    assert not found, "\n".join(found)
    assert result.returncode == 0, result.stderr
