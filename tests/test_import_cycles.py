"""No import cycle among the fulfilment modules, counting imports inside functions too.

A lazy import inside a function hides a cycle from Python but not from the reader: the layers
(views/admin/api -> services -> models -> db) only hold when every arrow points one way.
Importing a submodule runs its parent packages first; like import-linter, the graph leaves
those implicit parent imports out and counts only the imports written in the code.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fulfilment"


def module_name(path, package):
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package=PACKAGE):
    """{module: {modules it imports}} over package, from every import statement at any depth."""
    paths = {module_name(path, package): path for path in package.rglob("*.py")}
    graph = {}
    for module, path in paths.items():
        is_package = path.name == "__init__.py"
        graph[module] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module.split(".") if is_package else module.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                # "from a import b" imports module a.b when b is one, else takes a name from a.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base for alias in node.names]
            else:
                continue
            graph[module].update(target for target in targets if target in paths and target != module)
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules (first == last), or None."""
    state = {}

    def visit(module, path):
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target, path)
                if cycle:
                    return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [])
            if cycle:
                return cycle
    return None


def test_fulfilment_modules_import_each_other_without_a_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_sees_a_cycle_through_an_import_inside_a_function(tmp_path):
    package = tmp_path / "fulfilment"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "stock.py").write_text(
        "def change():\n    from fulfilment.services.backorders import serve\n"
    )
    (package / "services" / "backorders.py").write_text("from fulfilment.services import stock\n")
    (package / "services" / "picking.py").write_text("from . import backorders\n")
    graph = import_graph(package)
    assert graph["fulfilment.services.picking"] == {"fulfilment.services.backorders"}
    assert find_cycle(graph) == [
        "fulfilment.services.backorders", "fulfilment.services.stock", "fulfilment.services.backorders",
    ]
