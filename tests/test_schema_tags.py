"""How ReDoc and Swagger UI present the API: one "Moderator" section, and a title (summary) on every operation.

ReDoc titles an operation by its summary and falls back to the operationId ("health_ready"); it makes one section
per tag ("ModeratorTasks", "ModeratorDomainDecision", "ModeratorDiscovery" split the moderators' work in three).
Paths and operationIds stay those of the reference contract.
"""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "spec" / "reference-contract.yaml"
METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_moderator_operation_is_in_the_one_moderator_section(schema) -> None:
    moderator = [(path, op) for path, _, op in _operations(schema) if path.startswith("/api/v1/moderator/")]
    assert len(moderator) > 20
    assert {(path, tuple(op["tags"])) for path, op in moderator if op["tags"] != ["Moderator"]} == set()
    others = {
        tag for path, _, op in _operations(schema) if not path.startswith("/api/v1/moderator/") for tag in op["tags"]
    }
    assert "Moderator" not in others


def test_every_operation_has_a_title(schema) -> None:
    untitled = sorted(f"{method.upper()} {path}" for path, method, op in _operations(schema) if not op.get("summary"))
    assert untitled == []
    readiness = schema["paths"]["/api/v1/health/ready"]["get"]
    assert readiness["summary"] != readiness["operationId"]


def test_every_tag_is_declared_with_a_description(schema) -> None:
    declared = [tag["name"] for tag in settings.SPECTACULAR_SETTINGS["TAGS"]]
    used = {tag for _, _, op in _operations(schema) for tag in op["tags"]}
    assert used <= set(declared), used - set(declared)
    assert [tag["name"] for tag in schema["tags"]] == declared
    assert all(tag.get("description") for tag in schema["tags"])


@pytest.mark.skipif(not REFERENCE.exists(), reason="the reference contract is not next to the project")
def test_paths_and_operation_ids_are_the_reference_contracts(schema) -> None:
    reference = yaml.safe_load(REFERENCE.read_text())
    ours = {(path.removeprefix("/api/v1"), method): op["operationId"] for path, method, op in _operations(schema)}
    differing = {
        (path, method): (operation["operationId"], ours.get((path, method)))
        for path, item in reference["paths"].items()
        for method, operation in item.items()
        if method in METHODS and ours.get((path, method)) != operation["operationId"]
    }
    assert differing == {}
