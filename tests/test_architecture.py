"""The floor plan (docs/architecture.md) is enforced here, not only described.

* ``.importlinter``'s layers contract: an app imports only the apps below it (run through ``lint-imports``,
  the same command as ``make lint`` and the pre-commit hook);
* no import inside a function reaches another project package: such an import is how a dependency against the
  order hides from a reader (and from import-linter, which sees it but cannot tell it was meant to dodge a
  cycle). The one allowed place is an ``AppConfig.ready()`` in ``apps.py`` (connecting receivers, registering
  providers). Migrations and tests are not checked: they are not part of the runtime graph.

Each check is also run against a tiny package with a violation, so a check that can no longer fail is noticed.
"""

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PROJECT_PACKAGES = frozenset(
    {
        "core",
        "accounts",
        "attachments",
        "blacklist",
        "suppliers",
        "requests_app",
        "discovery",
        "messaging",
        "quotes",
        "b2bplatform",
    }
)
SKIPPED_DIRS = frozenset({"migrations", "tests", "__pycache__"})


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass(frozen=True)
class HiddenImport:
    path: str
    line: int
    function: str
    target: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}() imports {self.target}"


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: stays inside the importing module's own package
        return []
    return [node.module or ""]


class _FunctionImports(ast.NodeVisitor):
    """Collects ``(line, innermost function, module)`` for imports of other project packages inside functions."""

    def __init__(self, *, own_package: str, allow_ready: bool) -> None:
        self.own_package = own_package
        self.allow_ready = allow_ready
        self.functions: list[str] = []
        self.found: list[tuple[int, str, str]] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.functions.append(getattr(node, "name", "<lambda>"))
        self.generic_visit(node)
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if not self.functions or (self.allow_ready and self.functions[0] == "ready"):
            return
        for module in _imported_modules(node):
            top = module.partition(".")[0]
            if top in PROJECT_PACKAGES and top != self.own_package:
                self.found.append((node.lineno, self.functions[-1], module))

    visit_Import = visit_ImportFrom = _import


def _modules(root: Path, packages: Iterable[str]) -> Iterator[Path]:
    for package in sorted(packages):
        for path in sorted((root / package).rglob("*.py")):
            if not SKIPPED_DIRS.intersection(path.relative_to(root).parts):
                yield path


def hidden_imports(root: Path, packages: Iterable[str] = PROJECT_PACKAGES) -> list[HiddenImport]:
    """Imports of another project package made inside a function, named by the innermost function."""
    found: list[HiddenImport] = []
    for path in _modules(root, packages):
        relative = path.relative_to(root)
        visitor = _FunctionImports(own_package=relative.parts[0], allow_ready=path.name == "apps.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(relative)))
        found += [HiddenImport(relative.as_posix(), line, name, target) for line, name, target in visitor.found]
    return found


# --- the project ---------------------------------------------------------------------------------------------


def test_the_apps_depend_one_way() -> None:
    result = lint_imports(ROOT / ".importlinter", ROOT)
    assert result.returncode == 0, f"lint-imports reports an import against the floor plan:\n{result.stdout}"
    assert "1 kept, 0 broken" in result.stdout, result.stdout


def test_no_function_imports_another_project_package() -> None:
    offenders = hidden_imports(ROOT)
    assert not offenders, "imports inside functions (move them to the module top, or use a signal):\n" + "\n".join(
        map(str, offenders)
    )


# --- the checks themselves can fail ----------------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


LAYERS = """
    [importlinter]
    root_packages =
        low
        high

    [importlinter:contract:floors]
    name = high above low
    type = layers
    layers =
        high
        low
"""


def test_lint_imports_fails_on_an_upward_import(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".importlinter": LAYERS,
            "high/__init__.py": "",
            "high/views.py": "from low import services\n",
            "low/__init__.py": "",
            "low/services.py": "import high.views\n",
        },
    )
    result = lint_imports(tmp_path / ".importlinter", tmp_path)
    assert result.returncode != 0
    assert "low is not allowed to import high" in result.stdout
    assert "low.services -> high.views" in result.stdout


def test_lint_imports_passes_a_downward_import(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".importlinter": LAYERS,
            "high/__init__.py": "",
            "high/views.py": "from low import services\n",
            "low/__init__.py": "",
            "low/services.py": "X = 1\n",
        },
    )
    result = lint_imports(tmp_path / ".importlinter", tmp_path)
    assert result.returncode == 0, result.stdout


def test_hidden_imports_are_found_and_the_allowed_ones_are_not(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "blacklist/services.py": """
                import core.errors
                from messaging import models


                def untick(owner):
                    from messaging.models import Recipient
                    import suppliers.models as supplier_models
                    from . import selectors
                    from blacklist import selectors as own
                    import json

                    def inner():
                        from requests_app import models
                    return Recipient, supplier_models, selectors, own, json
            """,
            "blacklist/apps.py": """
                from django.apps import AppConfig


                class BlacklistConfig(AppConfig):
                    def ready(self):
                        from messaging import receivers

                    def other(self):
                        from messaging import receivers
            """,
            "blacklist/migrations/0002_data.py": "def forwards(apps, schema_editor):\n    from core import inn\n",
            "blacklist/tests/test_x.py": "def test_x():\n    from messaging import models\n",
        },
    )
    found = [(item.path, item.line, item.function, item.target) for item in hidden_imports(tmp_path, ["blacklist"])]
    assert found == [
        ("blacklist/apps.py", 10, "other", "messaging"),
        ("blacklist/services.py", 7, "untick", "messaging.models"),
        ("blacklist/services.py", 8, "untick", "suppliers.models"),
        ("blacklist/services.py", 14, "inner", "requests_app"),
    ]
