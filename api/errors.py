"""One table from domain errors to HTTP status codes, and French error bodies.

Every error body is ``{"detail": "<message en français>"}`` (validation errors add ``errors``,
one entry per field). No stack trace and no submitted value beyond the offending one ever
reaches a response.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from psycopg import DataError, OperationalError
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.logsafe import safe_traceback
from api.ratelimit import RateLimited
from geo.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Unauthenticated,
    Unavailable,
)
from ui.templating import render

log = logging.getLogger("cartegalite.api")

STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthenticated: 401,
    TooLarge: 413,
    Unavailable: 503,
}

HTTP_FRENCH = {
    400: "requête mal formée",
    401: "authentification requise",
    403: "accès refusé",
    404: "ressource introuvable",
    405: "méthode non autorisée",
    413: "requête trop volumineuse",
    415: "type de contenu non pris en charge",
    429: "trop de requêtes, réessayez plus tard",
    503: "service indisponible, réessayez dans un instant",
}

_PYDANTIC_FRENCH = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu (interdit)",
    "json_invalid": "JSON invalide",
    "finite_number": "nombre fini attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_parsing": "booléen attendu (true/false)",
    "bool_type": "booléen attendu (true/false)",
    "string_type": "texte attendu",
    "uuid_parsing": "identifiant UUID invalide",
    "uuid_type": "identifiant UUID invalide",
    "datetime_parsing": "date et heure invalides (ISO 8601 attendu)",
    "datetime_from_date_parsing": "date et heure invalides (ISO 8601 attendu)",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "enum": "valeur inconnue",
    "literal_error": "valeur inconnue",
    "string_too_short": "texte trop court",
    "string_too_long": "texte trop long",
    "string_pattern_mismatch": "format invalide",
    "too_short": "liste trop courte",
    "too_long": "liste trop longue",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than": "valeur trop grande",
    "less_than_equal": "valeur trop grande",
    "value_error": "valeur invalide",
    "assertion_error": "valeur invalide",
    "url_parsing": "adresse web invalide",
    "url_scheme": "adresse web invalide",
}


_CODES = {status.value for status in HTTPStatus}


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "corps de la requête"


def french_error(err: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as ``{"field", "message", "type"}`` in French."""
    etype = str(err.get("type", "value_error"))
    base = _PYDANTIC_FRENCH.get(etype, "valeur invalide")
    ctx = err.get("ctx") or {}
    if etype in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        base += f" (minimum {ctx.get('ge', ctx.get('gt'))})"
    elif etype in ("less_than_equal", "less_than") and ("le" in ctx or "lt" in ctx):
        base += f" (maximum {ctx.get('le', ctx.get('lt'))})"
    elif etype in ("enum", "literal_error") and "expected" in ctx:
        base += f" (attendu : {ctx['expected']})"
    elif etype in ("string_too_long", "too_long") and "max_length" in ctx:
        base += f" (maximum {ctx['max_length']})"
    elif etype in ("value_error", "assertion_error", "json_invalid") and ctx.get("error"):
        base = f"{base} : {ctx['error']}"
    value = err.get("input")
    shown = ""
    if etype not in ("missing", "json_invalid") and isinstance(value, (int, float, str, bool)):
        text = repr(value)
        shown = f" (reçu : {text[:60]}{'…' if len(text) > 60 else ''})"
    return {"field": _field(tuple(err.get("loc", ()))), "message": base + shown, "type": etype}


def _wants_page(request: Request) -> bool:
    """A browser asking for an HTML page (not the API): send it to the sign-in form."""
    path = request.url.path
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and not path.startswith(("/api/", "/ogc", "/static/"))
        and "authorization" not in request.headers
    )


HTML_ERROR_PREFIXES = ("/equipe", "/suivi/")
"""Pages read only in a browser: their refusals are French pages, not JSON."""
HEADINGS = {
    400: "Demande impossible",
    403: "Accès refusé",
    404: "Page introuvable",
    409: "Action impossible pour l'instant",
    413: "Envoi trop volumineux",
    422: "Demande impossible",
}


def _html_error(request: Request) -> bool:
    return request.url.path.startswith(HTML_ERROR_PREFIXES) and (
        "authorization" not in request.headers
    )


def _error_page(request: Request, status: int, message: str) -> Response:
    page = render(
        "site/error.html",
        heading=HEADINGS.get(status, "Erreur"),
        message=message,
        staff=request.url.path.startswith("/equipe"),
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def install(app: FastAPI) -> None:
    """Register the exception handlers on ``app``."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        if status == 401 and _wants_page(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/connexion?{urlencode({'next': target})}", status_code=303)
        if _html_error(request):
            return _error_page(request, status, exc.message)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": exc.message}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [french_error(dict(e)) for e in exc.errors()]
        summary = "; ".join(f"{e['field']} : {e['message']}" for e in errors[:5])
        return JSONResponse(
            {"detail": f"requête invalide — {summary}", "errors": errors}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        default = HTTPStatus(exc.status_code).phrase if exc.status_code in _CODES else None
        custom = isinstance(exc.detail, str) and exc.detail and exc.detail != default
        message = exc.detail if custom else HTTP_FRENCH.get(exc.status_code, "erreur")
        return JSONResponse(
            {"detail": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(DataError)
    async def bad_data(_request: Request, exc: DataError) -> JSONResponse:
        # A value PostgreSQL cannot take (NUL character, out-of-range number…) that slipped
        # past validation: the client's fault, never a 500; the message may quote it: not shown.
        log.warning("value refused by the database: %s", type(exc).__name__)
        return JSONResponse({"detail": "valeur invalide dans la requête"}, status_code=422)

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc).__name__)
        return JSONResponse(
            {"detail": "base de données indisponible, réessayez dans un instant"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RateLimited)
    async def rate_limited(_request: Request, exc: RateLimited) -> JSONResponse:
        return JSONResponse(
            {"detail": f"trop de requêtes, réessayez dans {exc.retry_after} s"},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The type and the stack only: the message may quote submitted values (logsafe).
        route = getattr(request.scope.get("route"), "path_format", "?")
        log.error("unexpected error on %s %s: %s", request.method, route, safe_traceback(exc))
        return JSONResponse({"detail": "erreur interne du serveur"}, status_code=500)
