"""Dependencies flow one way (docs/architecture.md, "Layers").

Every module of the project is parsed (not imported) and each of its imports of another
app is checked against the layer table: an app may import its own modules and those of
lower layers, never those of its layer or above. A lower app that must tell a higher one
of a change sends a signal or calls a registry the higher app fills at start-up.

Tests are left out: a test may build whatever it needs from any app.
"""

import ast
from pathlib import Path

import xuejiao

PROJECT = Path(xuejiao.__file__).parent

# The lower the number, the lower the layer.
LAYERS = {
    "core": 0,  # no domain: errors, pagination, exports, path field, roles, private storage
    "audit": 1,  # the audit log, written by every app
    "orgs": 2,  # the organisation tree, people, the scope rule
    "accounts": 3,  # users, role assignments, tokens
    "notify": 4,  # in-app notices, written by the domain apps after commit
    "campaigns": 5,  # campaigns, required actions, completion and its record sources
    "ledger": 6,  # activity records (a source of completion)
    # 7: the modules built on the ledger (lectures, supervision); 8: those that link to them
    "sheets": 9,  # spreadsheet import and export of the domain apps
    "api": 10,
    "home": 10,  # the site shell: home page and navigation
    "demo": 10,
    "ops": 10,  # backup and restore of the database and the stored files
}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "xuejiao" and parts[1] in LAYERS else None


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    package = ["xuejiao", *path.relative_to(PROJECT).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if node.module:
                found.append((node.lineno, module))
            else:  # from . import x, from .. import y: each name may be a module
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def project_modules():
    for path in sorted(PROJECT.rglob("*.py")):
        parts = path.relative_to(PROJECT).parts
        if len(parts) > 1 and "tests" not in parts:
            yield path, parts[0]


def upward_imports() -> list[str]:
    wrong = []
    for path, app in project_modules():
        for line, module in imported_modules(path):
            target = app_of(module)
            if target is None or target == app:
                continue
            if LAYERS[target] >= LAYERS[app]:
                wrong.append(f"{path.relative_to(PROJECT.parent)}:{line} {app} imports {module} ({target})")
    return wrong


def test_every_app_is_in_the_layer_table():
    apps = {path.parent.name for path in PROJECT.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_no_app_imports_an_app_of_its_layer_or_above():
    assert upward_imports() == []


def test_the_check_sees_relative_and_function_level_imports(tmp_path, monkeypatch):
    """The check itself: an import inside a function, and `from .. import`, are both caught."""
    fake = tmp_path / "xuejiao"
    (fake / "orgs").mkdir(parents=True)
    (fake / "orgs" / "x.py").write_text("def f():\n    from xuejiao.accounts.models import User\n")
    (fake / "orgs" / "y.py").write_text("from ..ledger import models\n")
    monkeypatch.setattr(f"{__name__}.PROJECT", fake)
    assert [line.split(" ", 1)[1] for line in upward_imports()] == [
        "orgs imports xuejiao.accounts.models (accounts)",
        "orgs imports xuejiao.ledger (ledger)",
    ]


# The parts every app may have, each in one place: a module, or a package of topic modules
# once it grows (ledger/models/, ledger/services/, campaigns/views/ …). Never a second
# module beside the first (user_views.py, forms_materials.py, urls_materials.py).
PARTS = ("models", "services", "views", "forms", "urls", "queries", "permissions")


def test_every_app_has_the_same_skeleton():
    wrong = []
    for app in LAYERS:
        folder = PROJECT / app
        if not (folder / "apps.py").exists() or not (folder / "tests").is_dir():
            wrong.append(f"{app}: apps.py and tests/ are where every app has them")
        for part in PARTS:
            if (folder / f"{part}.py").exists() and (folder / part).is_dir():
                wrong.append(f"{app}: both {part}.py and {part}/")
            wrong += [
                f"{app}: {path.name} (belongs in {part}/)"
                for path in folder.glob("*.py")
                if path.stem != part and (path.stem.startswith(f"{part}_") or path.stem.endswith(f"_{part}"))
            ]
        if (folder / "templates").is_dir() and {p.name for p in (folder / "templates").iterdir()} != {app}:
            wrong.append(f"{app}: templates belong in templates/{app}/")
    assert wrong == []
