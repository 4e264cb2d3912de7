"""The layering of qualcode, checked from the code's own imports (function-local ones included).

store -> ingest -> domain (corpus, coding) -> analysis / exchange -> export -> ui / cli.
A module may import its own layer or lower ones, never a higher one, and no chain of imports
may lead from a module back to itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qualcode"

LAYERS = {
    "qualcode": 0,
    "qualcode.errors": 0,
    "qualcode.store": 1,
    "qualcode.ingest": 2,
    "qualcode.corpus": 3,
    "qualcode.coding": 3,
    "qualcode.analysis": 4,
    "qualcode.exchange": 4,
    "qualcode.export": 5,
    "qualcode.demo": 6,
    "qualcode.ui": 7,
    "qualcode.cli": 7,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every qualcode module that ``name`` imports, wherever the import stands."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("qualcode"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("qualcode"):
                continue
            for alias in node.names:  # `from . import x` names a module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def layer_of(module: str) -> tuple[str, int]:
    best = max((key for key in LAYERS if module == key or module.startswith(key + ".")), key=len)
    return best, LAYERS[best]


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def test_every_module_has_a_layer():
    unplaced = [m for m in modules() if layer_of(m)[0] == "qualcode" and m != "qualcode"]
    assert not unplaced, f"give these modules a layer in tests/test_layers.py: {unplaced}"


def test_no_import_from_a_higher_layer():
    wrong = []
    for module, targets in graph().items():
        room, rank = layer_of(module)
        for target in targets:
            other, other_rank = layer_of(target)
            if other_rank > rank:
                wrong.append(f"{module} ({room}) imports {target} ({other})")
    assert not wrong, "imports from a higher layer:\n" + "\n".join(sorted(wrong))


def test_no_import_circles():
    edges = graph()
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("room", ["coding", "corpus"])
def test_domain_packages_say_what_they_own(room):
    doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text()))
    assert doc and len(doc) > 200
