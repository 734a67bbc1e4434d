"""Contract fuzzing: schemathesis generates requests from the committed ``api-contracts.yaml`` and sends them
to a live server; every answer must be a documented status with a body matching the documented schema.

Bounded for ``make test``: a fixed number of examples per operation and derandomized generation, so the run
is reproducible and takes about two minutes on two cores. ``FUZZ_CONTRACT`` may point at another copy of
the contract (e.g. one freshly generated from the code) and ``FUZZ_EXAMPLES`` changes the budget.
"""

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from hypothesis import HealthCheck, Phase, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import MODERATORS_GROUP
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = Path(os.environ.get("FUZZ_CONTRACT", ROOT / "api-contracts.yaml"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "20"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]

schema = schemathesis.openapi.from_path(CONTRACT)
# Health answers depend on the machine (Redis, disk), not on the request: nothing to fuzz there.
FUZZED_PATHS = [path for path in schema.raw_schema.get("paths", {}) if not path.startswith("/api/v1/health")]
schema = schema.exclude(path_regex=r"^/api/v1/health")

# Every other case addresses a seeded object, so object routes exercise their real code paths and not
# only the 404 branch.
_alternate = itertools.cycle([True, False])


@pytest.fixture
def fuzz_world(transactional_db, make_user) -> dict[str, Any]:
    # A transactional test database is flushed between tests, which also drops the data migration's group.
    Group.objects.get_or_create(name=MODERATORS_GROUP)
    buyer = make_user("fuzz-buyer@buyer.example")
    moderator = make_user("fuzz-mod@platform.example", moderator=True)
    world = build_world(owner=buyer, moderator=moderator)
    return {
        "ids": world.ids,
        "buyer": {"Authorization": f"Bearer {RefreshToken.for_user(buyer).access_token}"},
        "moderator": {"Authorization": f"Bearer {RefreshToken.for_user(moderator).access_token}"},
    }


def _point_at_seeded_objects(case: Any, ids: dict[str, Any]) -> None:
    if not case.path_parameters or not next(_alternate):
        return
    for name in case.path_parameters:
        if name in ids:
            case.path_parameters[name] = ids[name]


def _fresh_otp_address(case: Any) -> None:
    """OTP requests are limited per address (docs/auth.md, abuse limits): a new address per case keeps the limiter from
    answering 429 to everything after the first few cases, so the generated bodies reach validation."""
    if case.path.endswith("/auth/otp/request") and isinstance(case.body, dict) and "email" in case.body:
        case.body["email"] = f"fuzz{next(_addresses)}@buyer.example"


_addresses = itertools.count()


def test_contract_lists_the_api() -> None:
    """Without operations the parametrized test below would have nothing to fuzz (and is not generated)."""
    assert FUZZED_PATHS, f"{CONTRACT} lists no API operation besides /health: regenerate it with `make schema`"


PROJECT_APPS = ("accounts", "attachments", "blacklist", "suppliers", "requests_app", "messaging", "discovery", "quotes")


def _project_models() -> list[Any]:
    return [model for name in PROJECT_APPS for model in apps.get_app_config(name).get_models()]


def _highest_ids() -> dict[Any, int]:
    return {model: max(model.objects.values_list("pk", flat=True), default=0) for model in _project_models()}


def _back_to_the_seeded_world(seeded: dict[Any, int]) -> None:
    """Delete every row newer than the seeded ones (in dependency-safe order, by the ORM's cascade) and
    forget the cache; the seeded rows keep their ids."""
    for model in reversed(_project_models()):
        model.objects.filter(pk__gt=seeded[model]).delete()
    cache.clear()


def _fuzz(case: Any, live_server: Any, fuzz_world: dict[str, Any]) -> None:
    _point_at_seeded_objects(case, fuzz_world["ids"])
    _fresh_otp_address(case)
    role = "moderator" if case.path.startswith("/api/v1/moderator/") else "buyer"
    case.call_and_validate(base_url=live_server.url, headers=fuzz_world[role], checks=CHECKS)


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


if FUZZED_PATHS:  # schemathesis refuses to parametrize over zero operations; the test above reports it instead

    @schema.parametrize()
    @FUZZ_SETTINGS
    @pytest.mark.django_db(transaction=True)
    def test_api_conforms_to_contract(case: Any, live_server: Any, fuzz_world: dict[str, Any]) -> None:
        _fuzz(case, live_server, fuzz_world)


@pytest.mark.django_db(transaction=True)
def test_stateful_workflows(live_server: Any, fuzz_world: dict[str, Any]) -> None:
    """Chains of calls along the links schemathesis infers from the contract (e.g. create a request, then read,
    edit and submit it by the returned id); same checks as above on every step."""
    base = schema.as_state_machine()
    seeded = _highest_ids()

    class Workflow(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            role = "moderator" if case.path.startswith("/api/v1/moderator/") else "buyer"
            return {"base_url": live_server.url, "headers": fuzz_world[role]}

        def setup(self) -> None:
            # Each scenario starts from the seeded world: what an earlier scenario created (rows, used-up
            # limits) would make the next one's answers, and so the links hypothesis draws from, differ
            # between replays of the same choices (FlakyStrategyDefinition).
            _back_to_the_seeded_world(seeded)

        def before_call(self, case: Any) -> None:
            _fresh_otp_address(case)

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=5,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
