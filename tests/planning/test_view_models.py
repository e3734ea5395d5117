"""The planning pages hand their templates typed view models only: no dict (a database row or a
domain dict read by string keys) reaches a template, for the overview, a dashboard (public and
staff), the comparison and a walk report."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ui.templating import ENV

BELLEVUE, MALAKOFF = "QP044005", "QP044013"
PAGES = {
    "planning/overview.html",
    "planning/dashboard.html",
    "planning/compare.html",
    "planning/report.html",
}


def dicts_in(value: Any, path: str = "") -> list[str]:
    """Where ``value`` holds a dict (dataclass fields, tuples and lists are walked)."""
    if isinstance(value, dict):
        return [path or "<context>"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            found
            for f in dataclasses.fields(value)
            for found in dicts_in(getattr(value, f.name), f"{path}.{f.name}")
        ]
    if isinstance(value, (list, tuple)):
        return [found for i, v in enumerate(value) for found in dicts_in(v, f"{path}[{i}]")]
    return []


def test_the_check_finds_a_dict_deep_inside() -> None:
    @dataclasses.dataclass
    class Inner:
        rows: tuple[Any, ...]

    assert dicts_in({"view": 1}) == ["<context>"]
    assert dicts_in(Inner((1, {"a": 2}))) == [".rows[1]"]
    assert dicts_in(Inner((1, "a"))) == []


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Template name → where its context held a dict, for every template rendered."""
    found: dict[str, list[str]] = {}
    original = ENV.get_template

    def get_template(name: str, *args: Any, **kwargs: Any) -> Any:
        template = original(name, *args, **kwargs)

        class Checked:
            def render(self, **context: Any) -> str:
                found[name] = [p for k, v in context.items() for p in dicts_in(v, k)]
                return str(template.render(**context))

        return Checked() if name in PAGES else template

    monkeypatch.setattr(ENV, "get_template", get_template)
    return found


def test_planning_templates_receive_view_models_only(
    client: TestClient, admin_headers: dict[str, str], seen: dict[str, list[str]]
) -> None:
    walk = client.post(
        "/api/walks",
        json={
            "title": "Bellevue de nuit",
            "date": "2026-11-20",
            "time_slot": "nuit",
            "qpv_codes": [BELLEVUE],
        },
        headers=admin_headers,
    )
    assert walk.status_code == 201
    urls = [
        "/quartiers",
        f"/quartiers/{BELLEVUE}",
        f"/quartiers/comparer?codes={BELLEVUE},{MALAKOFF}",
        f"/marches/{walk.json()['id']}/rapport",
        f"/marches/{walk.json()['id']}/rapport?version=bilan",
    ]
    for url in urls:
        assert client.get(url, headers=admin_headers).status_code == 200, url
    assert client.get(f"/quartiers/{BELLEVUE}").status_code == 200  # the public version
    assert set(seen) == PAGES
    assert {name: where for name, where in seen.items() if where} == {}
