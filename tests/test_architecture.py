"""Dependency direction (STYLE.md): api → app → domain packages, maps → accounts → geo; in the
web layer no route module imports another or a repository (routes call services).

``geo`` imports nothing internal; ``maps`` may use domain types (models, vocabularies) but never
repositories, services, psycopg or ``api``; nothing imports ``api`` but ``cli``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from app.settings import PROJECT_ROOT

INTERNAL = {
    "ui",
    "app",
    "geo",
    "accounts",
    "surveys",
    "actors",
    "exhibitions",
    "selfcheck",
    "planning",
    "sports",
    "maps",
    "api",
    "cli",
}
DOMAINS = {"surveys", "actors", "exhibitions", "selfcheck", "planning", "sports"}

ALLOWED: dict[str, set[str]] = {
    "ui": {"ui"},
    "geo": {"geo"},
    "accounts": {"accounts", "geo"},
    "surveys": {"surveys", "accounts", "geo"},
    "actors": {"actors", "accounts", "geo"},
    "exhibitions": {"exhibitions", "actors", "accounts", "geo"},
    "selfcheck": {"selfcheck", "actors", "accounts", "geo"},
    "planning": {"planning", "surveys", "actors", "exhibitions", "sports", "accounts", "geo"},
    "sports": {"sports", "geo"},
    "maps": {"maps", "ui", "geo", *DOMAINS},
    "app": INTERNAL - {"api", "cli"},
    "api": INTERNAL - {"cli"},
    "cli": INTERNAL,
}
MAPS_FORBIDDEN_SUFFIXES = ("repo", "service", "importers", "store")
MAPS_FORBIDDEN_EXTERNAL = {"psycopg", "psycopg_pool", "fastapi", "starlette"}


def imports_of(source: str) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def violations(package: str, source: str, where: str) -> list[str]:
    found = []
    for name in imports_of(source):
        top = name.split(".")[0]
        if top in INTERNAL and top not in ALLOWED[package]:
            found.append(f"{where}: {package} must not import {name}")
        if package == "maps":
            if top in MAPS_FORBIDDEN_EXTERNAL:
                found.append(f"{where}: maps must not import {name}")
            parts = name.split(".")
            if top in DOMAINS and any(p in MAPS_FORBIDDEN_SUFFIXES for p in parts[1:]):
                found.append(f"{where}: maps may use domain types only, not {name}")
    return found


def test_dependency_direction() -> None:
    problems = []
    for package in ALLOWED:
        root = PROJECT_ROOT / package
        if not root.is_dir():
            continue
        for path in root.rglob("*.py"):
            problems += violations(
                package, path.read_text(encoding="utf-8"), str(path.relative_to(PROJECT_ROOT))
            )
    assert problems == []


def test_the_check_can_fail() -> None:
    assert violations("geo", "from app.settings import Settings\n", "geo/x.py")
    assert violations("maps", "import psycopg\n", "maps/x.py")
    assert violations("maps", "from surveys.repo import list_observations\n", "maps/x.py")
    assert violations("maps", "from surveys import service\n", "maps/x.py")
    assert violations("surveys", "from api.deps import ConnDep\n", "surveys/x.py")
    assert not violations("maps", "from surveys.models import Theme\n", "maps/x.py")
    assert not violations("api", "from surveys import service\n", "api/x.py")


def test_every_package_is_known() -> None:
    packages = {p.parent.name for p in Path(PROJECT_ROOT).glob("*/__init__.py")}
    assert packages - {"tests", "bench"} <= INTERNAL


# --- the web layer: routes do not import routes; routes call services, not repositories ----


def route_modules() -> set[str]:
    """Modules of ``api`` that define a router (``APIRouter(``)."""
    found = set()
    for path in (PROJECT_ROOT / "api").rglob("*.py"):
        if "APIRouter(" in path.read_text(encoding="utf-8"):
            found.add(".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts))
    return found


def web_violations(module: str, source: str, routes: set[str]) -> list[str]:
    """A route module importing another route module or a repository."""
    found = []
    for name in imports_of(source):
        if name in routes and name != module:
            found.append(f"{module}: route imports route {name}")
        parts = name.split(".")
        if "repo" in parts[1:] and parts[0] in INTERNAL | {"geo"}:
            found.append(f"{module}: route calls repository {name}")
    for match in re.finditer(r"\b(\w+)\.repo\.\w+\(", source):  # ``package.repo.f(...)``
        found.append(f"{module}: route calls repository {match.group(1)}.repo")
    return sorted(set(found))


def test_routes_import_no_route_and_no_repository() -> None:
    routes = route_modules()
    problems = []
    for module in sorted(routes):
        path = PROJECT_ROOT.joinpath(*module.split(".")).with_suffix(".py")
        problems += web_violations(module, path.read_text(encoding="utf-8"), routes)
    assert problems == []


def test_the_cli_reaches_the_web_layer_only_through_its_composition_root() -> None:
    """The CLI and the web share ``app`` (settings, maps, reports, start-up); of ``api`` the
    CLI may only use ``api.main`` (to serve the app and find its static files)."""
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for path in (PROJECT_ROOT / "cli").rglob("*.py")
        for name in imports_of(path.read_text(encoding="utf-8"))
        if name.split(".")[0] == "api" and not name.startswith("api.main")
    ]
    assert offenders == []


def test_bench_never_imports_the_cli() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "bench").rglob("*.py")
        if any(n.split(".")[0] == "cli" for n in imports_of(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_web_rules_can_fail() -> None:
    routes = {"api.routes.a", "api.routes.b"}
    assert web_violations("api.routes.a", "from api.routes.b import X\n", routes)
    assert web_violations("api.routes.a", "from surveys.repo import walks\n", routes)
    assert web_violations("api.routes.a", "from geo.qpv import repo\n", routes)
    assert web_violations("api.routes.a", "x = accounts.repo.list_users(conn)\n", routes)
    assert not web_violations("api.routes.a", "from api.params.planning import Year\n", routes)
    assert any(
        n.split(".")[0] == "cli" for n in imports_of("from cli import runtime\n")
    )  # what test_bench_never_imports_the_cli looks for


# --- one presentation path: markup only in templates, one environment -----------------------

MARKUP_IN_PYTHON = re.compile(r"f\"<|'<(div|p|table|tr|td|ul|li|span|svg|style)")
"""The pattern of the presentation issue's done-when grep."""
MARKUP_EXCEPTIONS = {
    # Inlines a vendored file's text in place of the <link>/<script> tags of a page already
    # rendered from templates (standalone files for offline use); no page is built here.
    "maps/standalone.py": 2,
}


def markup_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if MARKUP_IN_PYTHON.search(line))


def test_no_markup_is_assembled_in_python_outside_the_documented_exceptions() -> None:
    found = {}
    for path in PROJECT_ROOT.rglob("*.py"):
        rel = path.relative_to(PROJECT_ROOT)
        if rel.parts[0] in {"tests", ".venv", "node_modules", "var"}:
            continue
        n = markup_lines(path.read_text(encoding="utf-8"))
        if n:
            found[str(rel)] = n
    assert found == MARKUP_EXCEPTIONS


def test_the_markup_rule_can_fail() -> None:
    assert markup_lines('x = f"<td>{v}</td>"\n') == 1
    assert markup_lines("x = '<div class=\"a\">'\n") == 1
    assert markup_lines("x = render('maps/heading.html', heading=h)\n") == 0


def test_there_is_one_template_environment() -> None:
    found = [
        str(path.relative_to(PROJECT_ROOT))
        for path in PROJECT_ROOT.rglob("*.py")
        if path.relative_to(PROJECT_ROOT).parts[0] not in {"tests", ".venv", "node_modules", "var"}
        and "Environment(" in path.read_text(encoding="utf-8")
    ]
    assert found == ["ui/templating.py"]
