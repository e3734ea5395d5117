"""The one template environment of the project: every page, fragment and printable document is
rendered here, from the templates of ``ui/templates`` (autoescape on, undefined names fail).

Pages hand a template a small view model (a dataclass) and the few values every page needs;
templates never see database rows or Python-built markup. Shared pieces (accessible table,
legend, form field with its error, pagination, SVG chart) are macros in
``ui/templates/_macros/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def ucfirst(text: object) -> str:
    """The text with its first letter upper-cased (the rest untouched, unlike ``capitalize``)."""
    value = str(text)
    return value[:1].upper() + value[1:]


def french_number(value: float | int | None, digits: int = 1) -> str:
    """French decimal notation (comma); an empty string for None."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return f"{value:.{digits}f}".replace(".", ",")


TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
"""Where every template lives (read by code that fingerprints a page, e.g. the field app)."""


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ui", "templates"),
        autoescape=select_autoescape(["html", "svg", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ucfirst"] = ucfirst
    env.filters["number"] = french_number
    return env


ENV = _environment()
"""The environment (templates are loaded once and cached by Jinja)."""


def render(name: str, /, **context: Any) -> str:
    """Render the template ``name`` (a path under ``ui/templates``) with ``context``."""
    return ENV.get_template(name).render(**context)
