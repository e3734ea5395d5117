"""Rate limits (OWASP API4): 429 + Retry-After per token and per IP, tight on login, joins and
anonymous writes — and a walk group of 15 phones behind one IP is never blocked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.ratelimit import MAX_KEYS, RateLimited, TokenBuckets
from app.settings import DEFAULT_RATE_LIMITS, Settings
from tests.security.conftest import MALAKOFF, PASSWORD, point
from tests.surveys.conftest import bearer, walk_obs


def limits(**override: tuple[int, int]) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (name, *override.get(name, (burst, rate))) for name, burst, rate in DEFAULT_RATE_LIMITS
    )


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    """The app with the default buckets, the token bucket lowered to 40 to keep the test short,
    and the test client treated as a proxy so that X-Forwarded-For sets the client IP."""
    tuned = settings.with_(rate_limits=limits(token=(40, 40)), trusted_proxies=("testclient",))
    with TestClient(create_app(tuned)) as client:
        yield client


def ip(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def test_buckets_refill_and_say_when() -> None:
    now = [0.0]
    buckets = TokenBuckets([("x", 3, 60)], clock=lambda: now[0])  # 1 per second
    for _ in range(3):
        buckets.hit("x", "k")
    with pytest.raises(RateLimited) as refused:
        buckets.hit("x", "k")
    assert refused.value.retry_after == 1
    buckets.hit("x", "other")  # keys are independent
    now[0] += 1.0
    buckets.hit("x", "k")
    with pytest.raises(RateLimited):
        buckets.hit("x", "k")
    for i in range(MAX_KEYS + 10):
        buckets.hit("x", f"flood{i}")
    assert len(buckets.buckets["x"]) <= MAX_KEYS


def test_login_is_limited_per_ip_and_per_account(limited: TestClient) -> None:
    wrong = {"login": "admin", "password": "pas le bon mot de passe"}
    answers = [
        limited.post("/api/auth/login", json=wrong, headers=ip("10.1.0.1")) for _ in range(11)
    ]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert int(answers[10].headers["retry-after"]) >= 1
    assert "trop de requêtes" in answers[10].json()["detail"]
    # the same account from other addresses: the per-account bucket (10) is already spent
    other = limited.post("/api/auth/login", json=wrong, headers=ip("10.1.0.2"))
    assert other.status_code == 429
    # another account from a fresh address is not affected
    fine = limited.post(
        "/api/auth/login", json={"login": "nobody", "password": "x"}, headers=ip("10.1.0.3")
    )
    assert fine.status_code == 401


def test_anonymous_writes_and_joins_are_limited(limited: TestClient) -> None:
    codes = [
        limited.post(
            "/api/walks/join",
            json={"invite_code": "ABCD-EFGH", "pseudonym": "x"},
            headers=ip("10.2.0.1"),
        ).status_code
        for _ in range(41)
    ]
    assert codes[:40] == [404] * 40 and codes[40] == 429
    writes = [
        limited.post("/api/observations", json={}, headers=ip("10.2.0.2")).status_code
        for _ in range(61)
    ]
    assert writes[:60] == [401] * 60 and writes[60] == 429


def test_a_walk_group_behind_one_ip_is_not_blocked(
    limited: TestClient, admin_headers: dict[str, str], conn: Any
) -> None:
    """15 phones on one box: join, send a batch, then 20 observations and a sync each — about
    400 requests from one IP in a burst, none refused; one runaway phone is stopped alone."""
    staff = limited.post(
        "/api/users",
        json={"login": "anim", "role": "facilitator", "password": PASSWORD},
        headers={**admin_headers, **ip("10.3.0.1")},
    ).json()
    walk = limited.post(
        "/api/walks",
        json={
            "title": "Malakoff",
            "date": "2026-05-02",
            "time_slot": "nuit",
            "qpv_codes": [MALAKOFF],
        },
        headers={**bearer(staff["token"]), **ip("10.3.0.1")},
    ).json()
    box = ip("192.0.2.15")
    phones = []
    for i in range(15):
        joined = limited.post(
            "/api/walks/join",
            json={"invite_code": walk["invite_code"], "pseudonym": f"P{i}"},
            headers=box,
        )
        assert joined.status_code == 200, joined.text
        phones.append({**bearer(joined.json()["token"]), **box})
    statuses = []
    for n, phone in enumerate(phones):
        items = [walk_obs(walk["id"], *point(conn, MALAKOFF, n, k)) for k in range(5)]
        statuses.append(
            limited.post(
                "/api/observations/batch", json={"items": items}, headers=phone
            ).status_code
        )
        for k in range(20):
            body = walk_obs(walk["id"], *point(conn, MALAKOFF, n, 10 + k))
            statuses.append(limited.post("/api/observations", json=body, headers=phone).status_code)
        statuses.append(
            limited.post(
                "/api/observations/sync-status", json={"ids": [items[0]["id"]]}, headers=phone
            ).status_code
        )
    assert len(statuses) == 15 * 22
    assert set(statuses) <= {200, 201}, sorted(set(statuses))
    # one phone looping on the API hits its own token bucket; the others still work
    runaway = [limited.get("/api/me", headers=phones[0]).status_code for _ in range(40)]
    assert 429 in runaway
    assert limited.get("/api/me", headers=phones[1]).status_code == 200
    assert limited.get("/health", headers=box).status_code == 200


def test_generous_ip_bucket_still_stops_a_flood(settings: Settings) -> None:
    tuned = settings.with_(rate_limits=limits(ip=(50, 50)))
    with TestClient(create_app(tuned)) as client:
        codes = [client.get("/api/exhibitions/themes").status_code for _ in range(51)]
    assert codes[:50] == [200] * 50 and codes[50] == 429


def test_settings_parse_and_refuse_bad_limits() -> None:
    parsed = Settings.from_env({"CARTEGALITE_RATE_LIMITS": "login=3/1, ip=1000/2000"})
    assert ("login", 3, 1) in parsed.rate_limits and ("ip", 1000, 2000) in parsed.rate_limits
    for bad in ("login=3", "nope=1/1", "ip=0/5"):
        with pytest.raises(ValueError):
            Settings.from_env({"CARTEGALITE_RATE_LIMITS": bad})
    assert Settings.from_env({"CARTEGALITE_RATE_LIMIT": "off"}).rate_limit_enabled is False
