"""The field app as served (no browser): a CSP-friendly shell (no inline script, style or event
handler, only local assets), the service worker with its scope header and a cache list whose
every URL is served, a version that follows the content, and escaped settings."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from api.main import create_app
from api.pages import marche
from app.settings import Settings


class Shell(HTMLParser):
    """Collects what a strict Content-Security-Policy cares about."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.urls: list[str] = []
        self.inline_handlers: list[str] = []
        self.style_attrs: list[str] = []
        self.style_elements = 0
        self.html_lang: str | None = None
        self.body: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "body":
            self.body = a
        if tag == "script":
            self.scripts.append(a)
        if tag == "style":
            self.style_elements += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.inline_handlers.append(f"{tag}.{name}")
            if name == "style":
                self.style_attrs.append(tag)
            if name in ("src", "href") and value:
                self.urls.append(value)


def _parse(text: str) -> Shell:
    shell = Shell()
    shell.feed(text)
    return shell


def test_shell_is_csp_friendly_and_local(client: TestClient) -> None:
    resp = client.get("/marche")
    assert resp.status_code == 200
    assert resp.headers["cache-control"] == "no-cache"
    shell = _parse(resp.text)
    assert shell.html_lang == "fr"
    assert shell.scripts and all(s.get("src") for s in shell.scripts)  # no inline script
    assert shell.inline_handlers == [] and shell.style_attrs == [] and shell.style_elements == 0
    assert all(u.startswith(("/", "#")) for u in shell.urls), shell.urls
    for url in shell.urls:
        if url.startswith("/"):
            assert client.get(url).status_code == 200, url
    assert shell.body["data-tiles"] == ""  # the test settings have no base map


def test_service_worker_scope_cache_list_and_version(client: TestClient) -> None:
    resp = client.get("/marche/sw.js")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/javascript")
    assert resp.headers["service-worker-allowed"] == "/marche"
    assert resp.headers["cache-control"] == "no-cache"
    assert "__VERSION__" not in resp.text and "__SHELL__" not in resp.text
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', resp.text)
    shell = re.search(r"const SHELL = (\[.*?\]);", resp.text)
    assert version and shell
    urls = json.loads(shell.group(1))
    own = {f"/static/app/marche/{p.name}" for p in marche.app_files()}
    assert {"/marche", "/static/vendor/leaflet/dist/leaflet.js"} | own <= set(urls)
    assert "/static/app/marche/sw.js" not in urls
    for url in urls:  # cache.addAll fails as a whole if one is missing
        assert client.get(url).status_code == 200, url
    assert client.get("/marche/sw.js").text == resp.text  # stable while nothing changes


def test_settings_are_escaped_and_change_the_version(settings: Settings) -> None:
    tiles = 'https://tiles.example/{z}/{x}/{y}.png?"><script>alert(1)</script>'
    with TestClient(create_app(settings.with_(tile_url=tiles))) as other:
        page = other.get("/marche").text
        worker = other.get("/marche/sw.js").text
    assert "<script>alert(1)</script>" not in page
    assert _parse(page).body["data-tiles"] == tiles  # intact once unescaped by the browser
    with TestClient(create_app(settings)) as plain:
        assert plain.get("/marche/sw.js").text != worker  # another shell, another cache


def test_scripts_build_no_html_from_strings() -> None:
    """No eval, no string-to-code, no innerHTML: user text only ever becomes text nodes."""
    for path in [*marche.app_files(), marche.WORKER]:
        source = path.read_text(encoding="utf-8")
        for forbidden in (
            "eval(",
            "new Function",
            ".innerHTML",
            ".outerHTML",
            "insertAdjacentHTML",
            "document.write",
            'setTimeout("',
            'setAttribute("on',
        ):
            assert forbidden not in source, f"{path.name}: {forbidden}"
