"""HTTP-free error types shared by every domain package.

Domain packages raise these (or subclasses); ``api.errors`` maps each class to a status code in
one table. Messages are French: they reach the users as they are.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: carries a French, user-facing message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist (or is outside the caller's scope)."""


class Invalid(DomainError):
    """The input is well-formed but not acceptable (out of range, unknown code…)."""


class Conflict(DomainError):
    """The request contradicts what is stored (same id, other content; overlapping booking…)."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Unauthenticated(DomainError):
    """No valid credentials."""


class Unavailable(DomainError):
    """A dependency (the database) is down or too slow."""


class TooLarge(DomainError):
    """The input exceeds a size limit."""


class InvariantError(RuntimeError):
    """A guarantee of the code itself did not hold (a row just written is missing, a type is
    not the one built): a bug, answered 500 and logged, never a user's mistake."""
