from __future__ import annotations

import time

from fastapi.testclient import TestClient

from api.main import create_app
from app.settings import Settings
from tests.conftest import free_port


def test_health_reports_postgis(client: TestClient) -> None:
    resp = client.get("/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["qpv_generations"] == [2015]


def test_health_is_503_quickly_when_database_is_down() -> None:
    settings = Settings(
        database_url=f"postgresql://nobody@127.0.0.1:{free_port()}/none", tile_url=None
    )
    with TestClient(create_app(settings)) as client:
        started = time.monotonic()
        resp = client.get("/health")
        elapsed = time.monotonic() - started
        assert resp.status_code == 503
        assert resp.json()["status"] == "unavailable"
        assert elapsed < 5
        # Other endpoints answer 503 too (not 500), in French.
        resp = client.get("/api/qpv")
        assert resp.status_code == 503
        assert "indisponible" in resp.json()["detail"]


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/qpv/lookup" in spec["paths"]
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn.jsdelivr" not in docs
