"""The Content-Security-Policy nonce of the page being rendered.

The web layer opens a :class:`NonceSlot` for each request (:func:`open_slot`); a template that
writes an inline ``<script>`` of its own asks for the nonce (:func:`script_nonce`), which is
created on first use, and the web layer puts that same nonce in the response's CSP header.
Nothing rewrites a response: a ``<script>`` that did not come from a template (an injected
one) never carries the nonce and does not run. Outside a request (the CLI writing a file)
there is no slot and no nonce.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar, Token


class NonceSlot:
    """The nonce of one response, made when a template first asks for it."""

    def __init__(self) -> None:
        self.value: str | None = None

    def get(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


_CURRENT: ContextVar[NonceSlot | None] = ContextVar("cartegalite_csp_nonce", default=None)


def open_slot() -> tuple[NonceSlot, Token[NonceSlot | None]]:
    """A fresh slot for the response being built (and the token to close it)."""
    slot = NonceSlot()
    return slot, _CURRENT.set(slot)


def close_slot(token: Token[NonceSlot | None]) -> None:
    """Forget the slot of the finished response."""
    _CURRENT.reset(token)


def script_nonce() -> str | None:
    """The nonce for an inline script of the page being rendered (None outside a request)."""
    slot = _CURRENT.get()
    return slot.get() if slot is not None else None
