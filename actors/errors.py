"""HTTP-free errors of the directory (French messages)."""

from __future__ import annotations

from collections.abc import Sequence

from geo.errors import Invalid


class InvalidRecord(Invalid):
    """An actor record with one or more invalid fields; ``reasons`` names each of them."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)
