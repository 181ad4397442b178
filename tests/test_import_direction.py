"""Data flows one way through the folders: a module imports only from its own folder or from floors below it."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ground → models → vectorstore → ingest → assistant → ui / eval → the command line
FLOORS = {"core": 0, "models": 1, "vectorstore": 2, "ingest": 3, "assistant": 4, "ui": 5, "eval": 5, "benelux_qa": 6}


def imported_packages(source: Path) -> set[str]:
    """The project folders `source` imports from (at module level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(FLOORS)
    return found


def upward_imports(folder: str) -> list[str]:
    violations = []
    for source in sorted((ROOT / folder).glob("*.py")):
        for package in imported_packages(source):
            if package != folder and FLOORS[package] >= FLOORS[folder]:
                violations.append(f"{source.relative_to(ROOT)} imports {package}")
    return violations


@pytest.mark.parametrize("folder", sorted(FLOORS))
def test_no_module_imports_from_its_floor_or_above(folder):
    assert upward_imports(folder) == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text("def f():\n    from assistant.answer import Answer\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert upward_imports("core") == ["core/bad.py imports assistant"]
