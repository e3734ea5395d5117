"""Staff passwords, hashed with argon2id (argon2-cffi's recommended parameters).

Bearer tokens are random and stored as SHA-256 (``accounts.tokens``); passwords are chosen by
people, so they get a slow, salted, memory-hard hash. Length is bounded on both sides: long
enough to resist guessing, short enough that hashing cannot be used to exhaust the CPU.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("cartegalite-dummy-password")


def check_strength(password: str, login: str) -> None:
    """Raise :class:`Invalid` (French) when ``password`` is too short, too long or trivial."""
    if len(password) < MIN_LENGTH:
        raise Invalid(f"mot de passe trop court (au moins {MIN_LENGTH} caractères)")
    if len(password) > MAX_LENGTH:
        raise Invalid(f"mot de passe trop long (au plus {MAX_LENGTH} caractères)")
    if login and login.lower() in password.lower():
        raise Invalid("le mot de passe ne doit pas contenir l'identifiant")
    if len(set(password)) < 5:
        raise Invalid("mot de passe trop simple (trop peu de caractères différents)")


def hash_password(password: str) -> str:
    """The argon2id hash to store."""
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored``. Without a stored hash a dummy hash is checked
    anyway, so that answering does not reveal whether the account exists."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)
