"""Test modules share builders through tests/support (and fixtures through conftest files), never
by importing each other: a test module imported by another runs its own set-up twice, ties two
topics together, and hides where a builder lives."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def is_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") for part in dotted.split("."))


def imports_of_test_modules(folder: Path) -> list[str]:
    """Each import, in any module under `folder`, of a test module (tests/**/test_*.py) or of
    something from one, as "file:line: module"."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in sorted(ast.walk(tree), key=lambda n: getattr(n, "lineno", 0)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                modules = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for module in modules:
                if is_test_module(module):
                    found.append(f"{path.relative_to(folder)}:{node.lineno}: {module}")
                    break
    return found


def test_no_module_under_tests_imports_a_test_module() -> None:
    assert imports_of_test_modules(TESTS) == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    # The check above passes on an empty list: prove it would see each way in.
    (tmp_path / "test_planted.py").write_text(
        "from tests.unit.test_certificate import decided_case\n"
        "import tests.integration.test_sync as sync\n"
        "from tests.integration import test_sync\n"
        "from .test_documents_ui import show\n"
        "from tests.ui.test_shell import (\n"
        "    unlock,\n"
        ")\n"
        "def later():\n"
        "    from tests.unit.test_stats import NONE\n"
        "from tests.support.cases import STRONG  # not one: moved out of test_cases_core\n"
        "from tests.conftest import SUPERVISOR\n"
        "from tests.ui.drive import show\n"
        "import pytest\n",
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in imports_of_test_modules(tmp_path)]
    assert found == ["1", "2", "3", "4", "5", "9"]
