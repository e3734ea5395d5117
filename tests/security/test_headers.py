"""Security headers (OWASP API8): CSP with per-response nonces that keeps the Folium maps
working in a real Chromium, nosniff, referrer and permissions policies, framing denied except
for the widget paths, CORS only on the public aggregated endpoints."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.headers import SecurityHeaders, tile_origin
from api.main import create_app
from app.settings import Settings

PAGES = (
    "/",
    "/cartes/qpv",
    "/cartes/observations",
    "/expositions/couverture",
    "/confidentialite",
    "/docs",
    "/aide",
    "/aide/widget",
    "/aide/carte?commune=44109",
    "/marche",
    "/discrimination",
    "/cartes/publique",
    "/quartiers",
)


def csp(resp: Any) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in resp.headers["content-security-policy"].split("; ")
    }


def test_headers_on_json_and_errors(client: TestClient) -> None:
    for resp in (client.get("/health"), client.get("/api/me"), client.get("/nulle-part")):
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "SAMEORIGIN"
        assert resp.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "geolocation=()" in resp.headers["permissions-policy"]
        policy = csp(resp)
        assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "access-control-allow-origin" not in resp.headers
        assert "server" not in {k.lower() for k in resp.headers} or "uvicorn" not in str(
            resp.headers.get("server")
        )


def test_each_html_response_gets_its_own_nonce(client: TestClient) -> None:
    first, second = client.get("/cartes/qpv"), client.get("/cartes/qpv")
    nonces = []
    for resp in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", resp.headers["content-security-policy"])
        assert nonce is not None
        inline = [t for t in re.findall(r"<script[^>]*>", resp.text) if "src=" not in t]
        assert len(inline) == 2  # Leaflet's global switches and the map's code
        assert all(f'nonce="{nonce.group(1)}"' in t for t in inline)
        assert int(resp.headers["content-length"]) == len(resp.content)
        nonces.append(nonce.group(1))
    assert nonces[0] != nonces[1]


def test_an_injected_script_never_gets_the_nonce() -> None:
    """The nonce is written by the templates that own a script, never added to a response: a
    script that reached a page by an escaping bug stays without it (and does not run)."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from maps.render import base_map, render_html

    injected = '<p>Avis : <script>alert("cg")</script></p>'

    def plain(_request: object) -> HTMLResponse:
        return HTMLResponse(injected)

    def folium_page(_request: object) -> HTMLResponse:
        return HTMLResponse(render_html(base_map("Carte", None, None)) + injected)

    app = SecurityHeaders(Starlette(routes=[Route("/p", plain), Route("/m", folium_page)]))
    with TestClient(app) as c:
        page = c.get("/p")
        assert "nonce" not in page.text and "nonce-" not in page.headers["content-security-policy"]
        page = c.get("/m")
        nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
        assert nonce is not None
        assert page.text.count(f'nonce="{nonce.group(1)}"') == 2  # the page's own scripts
        assert '<script>alert("cg")</script>' in page.text  # the injected one: no nonce


def test_tile_server_is_the_only_foreign_image_source() -> None:
    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert tile_origin(None) is None and tile_origin("javascript:alert(1)") is None


def test_frames_allowed_only_on_widget_paths(settings: Settings) -> None:
    tuned = settings.with_(
        frame_paths=(r"^/confidentialite$",), frame_ancestors="https://partenaire.fr"
    )
    with TestClient(create_app(tuned)) as client:
        framed = client.get("/confidentialite")
        assert "x-frame-options" not in framed.headers
        assert csp(framed)["frame-ancestors"] == "https://partenaire.fr"
        assert client.get("/").headers["x-frame-options"] == "SAMEORIGIN"
    defaults = Settings()
    assert any(re.search(p, "/widget/acteurs") for p in defaults.frame_paths)
    assert any(re.search(p, "/aide/widget") for p in defaults.frame_paths)


def test_device_features_only_for_field_app_paths(settings: Settings) -> None:
    tuned = settings.with_(device_paths=(r"^/confidentialite$",))
    with TestClient(create_app(tuned)) as client:
        policy = client.get("/confidentialite").headers["permissions-policy"]
        assert "geolocation=(self)" in policy and "camera=(self)" in policy
        assert "camera=()" in client.get("/").headers["permissions-policy"]
        located = client.get("/aide").headers["permissions-policy"]
        assert "geolocation=(self)" in located and "camera=()" in located
        field = client.get("/marche").headers["permissions-policy"]
        assert "geolocation=()" in field  # the test moved the device paths elsewhere


def test_cors_only_on_public_aggregates(client: TestClient, admin_headers: dict[str, str]) -> None:
    origin = {"Origin": "https://autre-site.example"}
    for url in (
        "/api/public/observations",
        "/api/qpv",
        "/api/exhibitions/coverage",
        "/api/exhibitions/coverage.csv",
        "/ogc/collections",
    ):
        resp = client.get(url, headers=origin)
        assert resp.status_code == 200, url
        assert resp.headers["access-control-allow-origin"] == "*", url
        assert "access-control-allow-credentials" not in resp.headers
    for url in ("/api/observations", "/api/me", "/api/walks", "/api/users", "/health", "/"):
        resp = client.get(url, headers={**origin, **admin_headers})
        assert "access-control-allow-origin" not in resp.headers, url
    pre = client.options(
        "/api/public/observations",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert pre.status_code == 204
    assert "authorization" not in pre.headers["access-control-allow-headers"].lower()
    assert "POST" not in pre.headers["access-control-allow-methods"]
    refused = client.options(
        "/api/observations", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in refused.headers


def test_a_route_may_be_stricter_than_the_defaults(client: TestClient) -> None:
    own = client.get("/discrimination")  # the self-check sets its own, stricter policy
    assert own.headers["referrer-policy"] == "no-referrer"
    assert own.headers["x-frame-options"] == "SAMEORIGIN"  # framing stays the app's rule
    assert client.get("/").headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_authenticated_answers_are_not_cached(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert client.get("/api/me", headers=admin_headers).headers["cache-control"] == (
        "private, no-store"
    )


CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.browser
def test_pages_draw_under_the_csp_in_chromium(page: Any) -> None:
    """Every page, in headless Chromium under the real headers: zero CSP violation, zero
    console error, and the maps actually draw (Leaflet ran: panes and polygons exist)."""
    page.add_init_script(CSP_PROBE)
    for path in PAGES:
        page.log.errors.clear()
        resp = page.goto(page.base_url + path)
        assert resp.status == 200, path
        nonce = re.search(r"'nonce-([^']+)'", resp.headers["content-security-policy"])
        inline = [t for t in re.findall(r"<script[^>]*>", page.content()) if "src=" not in t]
        if inline:  # the page's own inline scripts carry the response's nonce
            assert nonce is not None, path
        page.wait_for_load_state("networkidle")
        if path.startswith(("/cartes", "/expositions", "/aide/carte")):
            page.wait_for_selector(".leaflet-pane", state="attached", timeout=10000)
            assert page.locator(".leaflet-control-scale").count() == 1, path
        if path == "/cartes/qpv":
            assert page.locator("path.leaflet-interactive").count() >= 15
        if path == "/docs":
            page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
        violations = page.evaluate("window.__csp")
        assert violations == [], (path, violations)
        assert page.log.errors == [], (path, page.log.errors)
    assert page.log.external == []
