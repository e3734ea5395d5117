"""The route class of the app: the access rule is applied before the body is read, and JSON
bodies are strict — ``NaN``, ``Infinity`` and numbers that overflow to infinity (``1e400``)
are refused at decoding time, as are absurdly nested documents. Python's ``json`` accepts all of
them by default, and a NaN that reaches a range-checked field has been seen to produce a 500."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.gate import check_access, check_route_token


def _reject_constant(name: str) -> Any:
    raise ValueError(f"nombre non fini interdit : {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"nombre hors limites : {text}")
    return value


def strict_loads(body: bytes | str) -> Any:
    """``json.loads`` that refuses non-finite numbers and deep nesting with ``JSONDecodeError``."""
    doc = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        return json.loads(doc, parse_constant=_reject_constant, parse_float=_finite_float)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(exc), doc, 0) from exc
    except RecursionError as exc:
        raise json.JSONDecodeError("document JSON trop imbriqué", doc, 0) from exc


OFF_LOOP_BYTES = 64 * 1024
"""Bodies larger than this are decoded in a worker thread, not on the event loop."""


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            if len(body) > OFF_LOOP_BYTES:
                self._json = await run_in_threadpool(strict_loads, body)
            else:
                self._json = strict_loads(body)
        return self._json


class StrictJSONRoute(APIRoute):
    """Route class used by every router of the app."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            strict = StrictJSONRequest(request.scope, request.receive)
            await check_access(strict)  # before FastAPI reads and validates the body
            try:
                return await original(strict)
            except RequestValidationError:
                await check_route_token(strict)  # 401/403 before any detail on the body
                raise

        return handler
