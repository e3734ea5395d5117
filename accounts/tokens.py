"""Bearer token generation and hashing (tokens are random, so SHA-256 is enough to store them;
passwords, which are not, are hashed with argon2 elsewhere)."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "cg_"


def new_token() -> str:
    """A fresh random bearer token (256 bits)."""
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> bytes:
    """What is stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).digest()
