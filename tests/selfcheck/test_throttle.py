"""The testimony limiter (sliding window, injectable clock) and the session codes."""

from __future__ import annotations

import pytest

from geo.errors import Invalid
from selfcheck import codes
from selfcheck.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_per_key() -> None:
    clock = Clock()
    limiter = Throttle(3, 60, clock)
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    assert limiter.hit("a") == 60
    assert limiter.hit("b") is None  # another address has its own budget
    clock.now += 30
    assert limiter.hit("a") == 30
    clock.now += 30.5
    assert limiter.hit("a") is None  # the first three left the window
    assert b"a" not in b"".join(limiter._events)  # keys are kept as keyed hashes only


def test_throttle_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        Throttle(0, 60)


def test_session_codes_are_forgiving_when_dictated() -> None:
    code = codes.new_code()
    assert len(code) == 6 and set(code) <= set(codes.ALPHABET)
    shown = codes.display(code)
    assert codes.normalise(shown.lower()) == code
    assert codes.normalise("abo-il1") == "AB0111"
    for wrong in ("", "ABC", "ABCDEFG", "ABC-DE!"):
        with pytest.raises(Invalid):
            codes.normalise(wrong)
    assert codes.key_hash("x") != codes.key_hash("y") and len(codes.key_hash("x")) == 32
