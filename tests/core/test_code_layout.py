"""The package's shape: small modules, no import cycles, and no comment that points outside the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "microexp_widgets"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST):
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _imports(node)


def imported_modules(name: str, path: Path) -> set[str]:
    """The package's own modules that ``name`` imports (lazily or not), TYPE_CHECKING imports aside."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            origin = f"{base}.{node.module}" if node.level and node.module else (base if node.level else node.module)
            targets = [origin] + [f"{origin}.{alias.name}" for alias in node.names]
        found |= {target for target in targets if target in MODULES and target != name}
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules (one idea each): {long}"


def test_the_package_has_no_import_cycle():
    graph = {name: imported_modules(name, path) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_can_fail():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "microexp_widgets.video" in imported_modules(
        "microexp_widgets.timeline", MODULES["microexp_widgets.timeline"]
    )


def test_the_analysis_core_imports_no_widget_code():
    core = [name for name in MODULES if name.count(".") == 1 and name != "microexp_widgets.cli"]
    for name in core:
        widgetish = {
            m for m in imported_modules(name, MODULES[name]) if m.split(".")[1:2] in (["widgets"], ["lessons"])
        }
        assert widgetish == set(), f"{name} imports {widgetish}"


_OUTSIDE_DOCS = re.compile(r"\b(FAULTS|FACTS|ARCHITECTURE|STYLE|LESSONS)\.md\b|\bFAULTS\b|\bFACTS\b")


def test_no_comment_points_to_a_document_outside_the_repository():
    cited = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".js", ".css"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _OUTSIDE_DOCS.search(line):
                    cited.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert cited == []


def test_the_fault_table_names_real_tests():
    table = (ROOT / "docs" / "faults.md").read_text(encoding="utf-8")
    named = re.findall(r"`([\w/]+\.py)::(\w+)`", table)
    assert len(named) > 40
    missing = []
    for file, test in named:
        source = (ROOT / "tests" / file).read_text(encoding="utf-8")
        if not re.search(rf"^\s*(async )?def {test}\(", source, re.M):
            missing.append(f"{file}::{test}")
    assert missing == []
    cited = set()
    for path in PACKAGE.rglob("*"):
        if path.suffix in (".py", ".js"):
            cited |= set(re.findall(r"docs/faults\.md ([A-Z]\d)", path.read_text(encoding="utf-8")))
    rows = set(re.findall(r"^\| ([A-Z]\d) \|", table, re.M))
    assert cited <= rows, f"the code cites rows the table does not have: {cited - rows}"


def test_a_retried_test_is_reported_with_its_reason():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later

    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert any(o.startswith("-r") and "R" in o for o in options) and "--rerun-show-tracebacks" in options
    for path in sorted((ROOT / "tests").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "mark." + "flaky(" in line:
                above = " ".join(lines[max(0, number - 3) : number])
                assert "#" in above, f"{path.relative_to(ROOT)}:{number + 1}: say why this test may be retried"
