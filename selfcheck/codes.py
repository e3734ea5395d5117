"""Group session codes (short, easy to dictate) and the secret key of the results page."""

from __future__ import annotations

import hashlib
import re
import secrets

from geo.errors import Invalid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O, U (nothing to misread on a board)."""
LENGTH = 6
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A random session code (30 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """``abc-def`` → ``ABCDEF`` (spaces and dashes dropped, O→0, I/L→1).

    Raises
    ------
    Invalid
        Not a possible code (a well-formed code that no session has is checked later).
    """
    code = re.sub(r"[\s-]", "", text or "").upper().translate(_ALIASES)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise Invalid(f"code de séance inconnu : {text[:20]!r} (6 caractères, ex. ABC-123)")
    return code


def display(code: str) -> str:
    """``ABCDEF`` → ``ABC-DEF``."""
    return f"{code[:3]}-{code[3:]}"


def new_key() -> str:
    """The secret of a session's results page (shown once, stored hashed)."""
    return secrets.token_urlsafe(24)


def key_hash(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()
