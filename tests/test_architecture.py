"""The package's imports point one way: no cycles, and the core never imports a renderer.

Every module under ``partnerkit/`` is parsed with :mod:`ast`, so imports inside
functions and under ``TYPE_CHECKING`` count too: a cycle through a lazy import is
still a cycle, it only fails later and more confusingly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import partnerkit

PACKAGE = Path(partnerkit.__file__).parent
ROOT = "partnerkit"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The partnerkit modules ``name`` imports, wherever in the file the import sits.

    ``from . import x`` of a package counts as importing the submodule ``x`` when
    there is one, else the package itself (the root ``partnerkit`` included).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                if node.module:
                    base += node.module.split(".")
                source = ".".join(base)
            else:
                source = node.module or ""
            targets = []
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                targets.append(sub if sub in known else source)
        else:
            continue
        for target in targets:
            # ``import partnerkit.render.table`` also runs the packages above it, but a
            # dependency on the named module is what matters here; walk up only to a
            # module that exists (``from .io import read_survey`` is the package io).
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and (target == ROOT or target.startswith(ROOT + ".")) and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the strongly connected components of ``graph``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def is_top(name: str) -> bool:
    """The layer on top: the command line and the renderers."""
    return (
        name in {"partnerkit.cli", "partnerkit.__main__", "partnerkit._launch"}
        or name == "partnerkit.render"
        or (name.startswith("partnerkit.render."))
    )


def test_the_walk_sees_lazy_and_relative_imports():
    graph = import_graph()
    # Sanity of the walk itself, so the tests below cannot pass by seeing nothing:
    # the CLI imports the renderers lazily, inside its commands.
    assert "partnerkit.render" in graph["partnerkit.cli"]
    assert "partnerkit.scoring" in graph["partnerkit"]  # under TYPE_CHECKING
    assert len(graph) > 30


def test_a_cycle_is_one_component():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert sorted(sorted(c) for c in strongly_connected(graph)) == [["a", "b", "c"], ["d"]]


def test_no_import_cycle():
    cycles = [sorted(c) for c in strongly_connected(import_graph()) if len(c) > 1]
    assert cycles == []


def test_the_core_imports_neither_render_nor_cli():
    wrong = {
        name: sorted(t for t in targets if is_top(t))
        for name, targets in import_graph().items()
        if not is_top(name) and any(is_top(t) for t in targets)
    }
    assert wrong == {}


def test_only_the_cli_imports_the_package_root():
    # partnerkit/__init__.py exposes the whole library; a module inside the package
    # imports the module that defines a name, so the root can stay a thin index.
    wrong = sorted(
        name
        for name, targets in import_graph().items()
        if ROOT in targets and name not in {"partnerkit.cli", "partnerkit.__main__"}
    )
    assert wrong == []


#: The layers of README's "How the code is laid out", lowest first: a module may import
#: its own layer and the ones before it, never a later one.
LAYERS = (
    (
        "errors",
        "text",
        "i18n",
        "argv",
        "parallel",
        "interrupts",
        "tomltext",
        "output",
        "_version",
        "scipy_import",
    ),
    ("instrument", "instrument_tools"),
    ("privacy.threshold", "privacy.lp", "privacy.pattern"),
    ("survey", "grouping"),
    ("io",),
    ("stats",),
    ("result", "protect"),
    (
        "scoring",
        "comments",
        "reliability",
        "trend",
        "trajectory",
        "gaps",
        "areas",
        "validate",
        "relations",
    ),
    ("privacy", "privacy_check"),  # the audit of published outputs, and its command
    ("report", "template"),
    ("project",),
    ("render",),
    ("cli", "__main__", "_launch"),
)


def layer_of(name: str) -> int | None:
    """The index of ``name``'s layer: that of its own entry, else of the nearest package
    above it that has one (the package root counts as the CLI); None if unplaced."""
    path = name.split(".")[1:] or ["cli"]
    while path:
        entry = ".".join(path)
        for i, layer in enumerate(LAYERS):
            if entry in layer:
                return i
        path = path[:-1]
    return None


def test_every_module_has_a_layer_and_imports_only_earlier_layers():
    graph = import_graph()
    unplaced = sorted(name for name in graph if layer_of(name) is None)
    assert unplaced == [], "add new modules to LAYERS and to the README's layout section"
    upward = sorted(
        (name, target)
        for name, targets in graph.items()
        for target in targets
        if layer_of(target) > layer_of(name)
    )
    assert upward == []
