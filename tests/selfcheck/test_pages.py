"""The pages without JavaScript, as a browser without scripts sends them: each step a POST
with the previous answers in hidden fields; the answer; the opt-in testimony; no cookie, no
cache, no external address; links from the home page and /aide."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.selfcheck.conftest import MALAKOFF, staff


def hidden(page: str) -> list[tuple[str, str]]:
    """The hidden fields of the first form of a page (what the browser would send back)."""
    form = page[page.index("<form") :]
    form = form[: form.index("</form>")]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)


def post(client: TestClient, page: str, *extra: tuple[str, str], aller: str = "suivant") -> Any:
    data = [*hidden(page), *extra, ("aller", aller)]
    body = "&".join(f"{k}={v}" for k, v in data)
    return client.post(
        "/discrimination",
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_the_whole_flow_without_javascript(sc_client: TestClient, sc_conn: Any) -> None:
    start = sc_client.get("/discrimination")
    assert start.status_code == 200
    assert start.headers["cache-control"] == "no-store"
    assert start.headers["referrer-policy"] == "no-referrer"
    assert "Étape 1 sur 4" in start.text and 'name="situation"' in start.text
    step2 = post(sc_client, start.text, ("situation", "refus_emploi"))
    assert "Étape 2 sur 4" in step2.text and 'name="raisons"' in step2.text
    step3 = post(sc_client, step2.text, ("raisons", "nom"))
    assert "Étape 3 sur 4" in step3.text
    # the situation's domain is pre-selected
    assert re.search(r'value="emploi" checked', step3.text)
    assert f'<option value="{MALAKOFF}">Malakoff (Nantes)</option>' in step3.text
    step4 = post(
        sc_client, step3.text, ("domaine", "emploi"), ("lieu", MALAKOFF), ("mois", "avant")
    )
    assert "Étape 4 sur 4" in step4.text
    answer = post(sc_client, step4.text, ("souhaits", "parler"))
    assert answer.status_code == 200
    page = answer.text
    assert "Ça peut être une discrimination" in page
    assert "Patronyme" in page and "Origine" in page
    assert "Emploi, stage, formation professionnelle" in page
    assert page.count('<li class="lieu">') == 3
    assert 'href="tel:+33240419596"' in page and 'href="tel:3928"' in page
    assert page.index('id="titre-aide"') < page.index('id="titre-droits"')  # talk first
    assert "Ce qu'il faut garder" in page and "témoins" in page
    assert "set-cookie" not in answer.headers
    assert sc_conn.execute("SELECT count(*) FROM selfcheck_testimony").fetchone()[0] == 0
    # the opt-in testimony: POST → 303 → thank-you page; exactly one row
    form = page[page.index('action="/discrimination/temoignage"') :]
    data = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    sent = sc_client.post(
        "/discrimination/temoignage",
        data={**dict(data), "raisons": "nom", "compter": "1", "age": "15_17"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/discrimination/merci")
    assert "set-cookie" not in sent.headers
    row = sc_conn.execute("SELECT grounds, domain, qpv, month, age_band FROM selfcheck_testimony")
    assert row.fetchall() == [(["patronyme", "origine"], "emploi", MALAKOFF, None, "15_17")]
    thanks = sc_client.get(sent.headers["location"])
    assert "Ton histoire est comptée" in thanks.text


def test_going_back_keeps_the_answers(sc_client: TestClient) -> None:
    step2 = post(sc_client, sc_client.get("/discrimination").text, ("situation", "police"))
    back = post(sc_client, step2.text, ("raisons", "religion"), aller="retour")
    assert "Étape 1 sur 4" in back.text
    assert 'value="police" checked' in back.text
    assert ("raisons", "religion") in hidden(back.text)


def test_a_missing_or_unknown_answer_is_said_on_the_same_step(sc_client: TestClient) -> None:
    start = sc_client.get("/discrimination").text
    missing = post(sc_client, start)
    assert missing.status_code == 422 and "Étape 1 sur 4" in missing.text
    assert 'role="alert"' in missing.text
    assert "Choisis ce qui s'est passé" in html.unescape(missing.text)
    unknown = post(sc_client, start, ("situation", "vol_de_velo"))
    assert unknown.status_code == 422 and "situation inconnue" in unknown.text
    step2 = post(sc_client, start, ("situation", "insulte"))
    tampered = post(sc_client, step2.text, ("raisons", "horoscope"))
    assert tampered.status_code == 422 and "raison inconnue" in tampered.text


def test_pages_load_nothing_from_elsewhere(sc_client: TestClient) -> None:
    for path in (
        "/discrimination",
        "/discrimination/groupe",
        "/discrimination/animer",
        "/discrimination/statistiques",
        "/discrimination/regles",
    ):
        response = sc_client.get(path)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers
        sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
        loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text)
        assert all(s.startswith(("/", "data:")) for s in loaded), loaded
        assert "onclick" not in response.text and "<script>" not in response.text
        assert all(
            not s.startswith("http")
            or "legifrance" in s
            or s.startswith(
                ("https://www.antidiscriminations", "https://3018", "https://www.allo119")
            )
            or "gouv.fr" in s
            or "francebleu" in s
            for s in sources
        )


def test_home_and_resident_page_link_to_the_self_check(sc_client: TestClient) -> None:
    assert 'href="/discrimination"' in sc_client.get("/").text
    assert 'href="/discrimination"' in sc_client.get("/aide").text


def test_facilitator_page_creates_a_session_and_the_private_results_link(
    sc_client: TestClient,
) -> None:
    token = staff(sc_client, "facilitator", "anim")["Authorization"].split()[1]
    refused = sc_client.post("/discrimination/animer", data={"jeton": "pas-un-jeton"})
    assert refused.status_code == 403 and "jeton d'accès invalide" in html.unescape(refused.text)
    created = sc_client.post("/discrimination/animer", data={"jeton": token, "nom": "3e B"})
    assert created.status_code == 201
    assert token not in created.text  # the token is not echoed back
    code = re.search(r'<p class="code-grand">([0-9A-Z-]{7})</p>', created.text).group(1)  # type: ignore[union-attr]
    link = re.search(r'id="lien-bilan">([^<]+)</a>', created.text).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    joined = sc_client.post("/discrimination/groupe", data={"code": code.lower()})
    assert joined.status_code == 200 and f"séance de groupe {code}" in joined.text
    wrong = sc_client.post("/discrimination/groupe", data={"code": "AAA-AAA"})
    assert wrong.status_code == 422 and "code de séance inconnu" in wrong.text
    results = sc_client.get(link)
    assert (
        results.status_code == 200
        and "Le bilan s'affiche à partir de 3 réponses" in html.unescape(results.text)
    )
    no_key = sc_client.get(link.split("?")[0])
    assert no_key.status_code == 404


def test_the_form_and_the_api_let_the_same_roles_open_a_session(sc_client: TestClient) -> None:
    """One role set: a moderator is refused by the HTML form exactly as by the API."""
    for role in ("facilitator", "planner", "moderator"):
        headers = staff(sc_client, role, f"{role[:4]}.sc")
        api = sc_client.post("/api/selfcheck/sessions", json={"label": "3e B"}, headers=headers)
        form = sc_client.post(
            "/discrimination/animer",
            data={"jeton": headers["Authorization"].split()[1], "nom": "3e B"},
        )
        if role == "moderator":
            assert api.status_code == 403, api.text
            assert form.status_code == 403 and "réservé aux rôles" in html.unescape(form.text)
        else:
            assert api.status_code == 201, api.text
            assert form.status_code == 201, form.text
