"""The home page's « Pour l'équipe » links lead to working screens: each one answers 200 to a
signed-in admin (and sends anonymous visitors to the sign-in form)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.equipe.helpers import make_staff, sign_in


def test_team_links_of_the_home_page_work(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    home = client.get("/").text
    team = home.split("<h2>Pour l'équipe</h2>", 1)[1].split("<h2>", 1)[0]
    links = sorted(set(re.findall(r'href="(/equipe[^"]*)"', team)))
    assert len(links) >= 9
    for link in links:
        anonymous = client.get(link, headers={"accept": "text/html"}, follow_redirects=False)
        assert anonymous.status_code == 303 and "/connexion" in anonymous.headers["location"]
    make_staff(client, admin_headers, "ad.min", "admin")
    sign_in(client, "ad.min")
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)
