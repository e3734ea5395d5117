"""Logs never carry coordinates, free text, tokens or e-mail addresses.

The app never logs request bodies or query strings; this module is the safety net under that
rule. :func:`install` replaces the log record factory of the process so that *every* record —
ours, uvicorn's, psycopg's — is scrubbed when it is created: bearer tokens, e-mail addresses,
decimal coordinates and the ``DETAIL``/``Failing row`` parts of PostgreSQL errors (which quote
row values) are replaced by placeholders; exception messages are dropped from tracebacks (only
the type and the stack frames remain).
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)bearer\s+\S+"), "Bearer [jeton]"),
    (re.compile(r"cg_[A-Za-z0-9_\-]{6,}"), "[jeton]"),
    (re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+"), "[e-mail]"),
    (re.compile(r"(?s)(DETAIL|CONTEXT|Failing row contains).*"), r"\1: [retiré]"),
    (re.compile(r"-?\d{1,3}\.\d{3,}"), "[nombre]"),
    (re.compile(r"(?i)(password|mot de passe|pseudonym|comment|proposal)=\S+"), r"\1=[retiré]"),
)


def scrub(text: str) -> str:
    """``text`` with tokens, e-mails, coordinates and SQL row details replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def safe_traceback(exc: BaseException) -> str:
    """The stack of ``exc`` (files, lines, functions) and its type — not its message, which may
    quote submitted values."""
    frames = traceback.format_list(traceback.extract_tb(exc.__traceback__))
    return "Traceback (most recent call last):\n" + "".join(frames) + type(exc).__qualname__


_installed = False


def install() -> None:
    """Scrub every log record of the process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(safe_traceback(record.exc_info[1]))
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
