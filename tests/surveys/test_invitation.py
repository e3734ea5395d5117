"""The printable invitation of a walk (code + QR code of the join link) and the staff list of
walks: who may see them, and that the QR code really encodes the link that fills in the code."""

from __future__ import annotations

import re
from typing import Any

import segno
from fastapi.testclient import TestClient

from api.pages.invitation import join_url
from app.qr import qr_svg
from tests.surveys.conftest import Staff, join


def _modules(svg: str) -> list[list[bool]]:
    """The dark modules of a QR SVG path (scale 1): ``M x y.5`` then ``h n`` / ``m dx dy``."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, args in re.findall(r"([Mmh])([-\d. ]+)", path):
        nums = [float(n) for n in args.split()]
        if op == "M":
            x, y = nums
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        else:
            for i in range(int(nums[0])):
                grid[int(y)][int(x) + i] = True
            x += nums[0]
    return grid


def _matrix(url: str) -> list[list[bool]]:
    code = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=4)]


def test_qr_svg_encodes_exactly_the_link() -> None:
    link = join_url("http://cartegalite.example/", "K7M2-Q9PX")
    assert link == "http://cartegalite.example/marche?code=K7M2-Q9PX"
    svg = qr_svg(link, "QR")
    assert _modules(svg) == _matrix(link)
    assert _modules(svg) != _matrix(link.replace("Q9PX", "Q9PY"))  # the check can fail


def test_facilitator_prints_the_invitation_and_a_phone_joins_with_it(
    client: TestClient, staff: Staff, walk: dict[str, Any]
) -> None:
    resp = client.get(f"/marches/{walk['id']}/invitation", headers=staff.facilitator)
    assert resp.status_code == 200
    html = resp.text
    assert walk["invite_code"] in html and walk["title"] in html
    assert "marche non mixte" in html and "Scannez ce code" in html
    link = f"http://testserver/marche?code={walk['invite_code']}"
    assert f'href="{link}"' in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    assert _modules(svg) == _matrix(link)
    assert "<script" not in html  # nothing to run: prints and works under the CSP
    # what the QR code opens is the field app with the code filled in, and the code joins
    assert client.get(link.removeprefix("http://testserver")).status_code == 200
    join(client, walk, "Nadia")


def test_only_the_people_who_run_the_walk_see_its_invitation(
    client: TestClient, staff: Staff, walk: dict[str, Any]
) -> None:
    url = f"/marches/{walk['id']}/invitation"
    assert client.get(url, headers=staff.admin).status_code == 200
    assert client.get(url, headers=staff.facilitator2).status_code == 404  # not theirs
    assert client.get(url, headers=staff.planner).status_code == 403
    assert client.get(url, headers=staff.moderator).status_code == 403
    participant = join(client, walk, "Aïcha")
    assert client.get(url, headers=participant).status_code == 403
    assert client.get(url).status_code == 401
    browser = client.get(url, headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"].startswith("/connexion")


def test_closed_walk_invitation_says_so(
    client: TestClient, staff: Staff, walk: dict[str, Any]
) -> None:
    url = f"/marches/{walk['id']}/invitation"
    assert 'id="close"' not in client.get(url, headers=staff.facilitator).text
    for action in ("realiser", "restituer"):
        resp = client.post(
            f"/api/walks/{walk['id']}/transitions", json={"action": action}, headers=staff.admin
        )
        assert resp.status_code in (200, 201), resp.text
    state = client.get(f"/api/walks/{walk['id']}", headers=staff.admin).json()
    assert not state["is_open"], state["status"]
    html = client.get(url, headers=staff.facilitator).text
    assert 'id="close"' in html and state["status_label"] in html


def test_walk_list_links_each_walk_to_its_pages(
    client: TestClient, staff: Staff, walk: dict[str, Any]
) -> None:
    mine = client.get("/marches", headers=staff.facilitator).text
    assert walk["title"] in mine and f"/marches/{walk['id']}/invitation" in mine
    assert f"/marches/{walk['id']}/rapport" in mine and f"/cartes/marches/{walk['id']}" in mine
    other = client.get("/marches", headers=staff.facilitator2).text
    assert walk["title"] not in other and "Aucune marche" in other
    planner = client.get("/marches", headers=staff.planner).text
    assert walk["title"] in planner and "/invitation" not in planner
