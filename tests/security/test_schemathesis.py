"""Schemathesis against the app's own OpenAPI, over HTTP to a real uvicorn on the real PostGIS:
every operation, generated requests (valid and invalid), as an admin and as a participant —
zero server errors. Bounded: a few examples per operation (a few hundred requests in all)."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode

from tests.conftest import ADMIN_TOKEN
from tests.security.live import uvicorn_server

EXAMPLES = 4
"""Examples per operation, mode (valid, invalid) and caller: ≈ 70 × 2 × 2 × 4 ≈ 1,000 requests."""


def _fuzz(
    schema: Any, base_url: str, headers: dict[str, str], statuses: Counter[int]
) -> tuple[int, list[str]]:
    sent = 0
    errors: list[str] = []
    for result, mode in itertools.product(
        list(schema.get_all_operations()), (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ):
        operation = result.ok()

        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            nonlocal sent
            if case.path == "/api/me" and case.method.upper() == "DELETE":
                return  # would erase the caller: covered by the privacy tests
            if case.path == "/api/auth/logout":
                return  # would revoke the caller's token: covered by the account tests
            response = case.call(base_url=base_url, headers=headers, timeout=30)
            sent += 1
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                errors.append(
                    f"{case.method} {case.formatted_path} → {response.status_code} "
                    f"{response.text[:200]}\n  {case.as_curl_command()[:400]}"
                )

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            continue  # nothing to make invalid (no parameter, no body)
    return sent, errors


@pytest.mark.timeout(600)
def test_schemathesis_finds_no_server_error(db_url: str) -> None:
    import httpx2

    with uvicorn_server(db_url) as server:
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        fac = httpx2.post(
            f"{server.url}/api/users", json={"login": "anim", "role": "facilitator"}, headers=admin
        ).json()["token"]
        walk = httpx2.post(
            f"{server.url}/api/walks",
            json={"title": "Malakoff", "date": "2026-05-02", "time_slot": "jour"},
            headers={"Authorization": f"Bearer {fac}"},
        ).json()
        joined = httpx2.post(
            f"{server.url}/api/walks/join",
            json={"invite_code": walk["invite_code"], "pseudonym": "P"},
        ).json()
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        statuses: Counter[int] = Counter()
        sent_admin, errors = _fuzz(schema, server.url, admin, statuses)
        participant = {"Authorization": f"Bearer {joined['token']}"}
        sent_participant, more = _fuzz(schema, server.url, participant, statuses)
        errors += more
        assert server.alive()
        assert "Traceback" not in server.logs() or errors
    assert sent_admin + sent_participant > 300
    assert errors == [], "\n".join(errors)
    # the fuzzing reached the code behind the gates, not only the validation
    assert statuses[200] + statuses[201] > 50 and statuses[422] > 50, statuses
