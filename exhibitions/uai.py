"""The UAI (unité administrative immatriculée, ex-RNE): 7 characters and a check letter.

The check letter is the 7-character number modulo 23, read in an alphabet without I, O and Q
(``0440286X``: 440286 mod 23 = 20 → X). Corsican UAIs (``620…``, ``720…``) are numeric too.
"""

from __future__ import annotations

import re

from geo.errors import Invalid

_FORMAT = re.compile(r"^[0-9]{7}[A-Z]$")
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def check_letter(digits: str) -> str:
    """The check letter of a 7-digit UAI number."""
    return _LETTERS[int(digits) % 23]


def normalise_uai(text: object) -> str:
    """Return the UAI upper-cased and stripped, or raise :class:`Invalid` in French.

    Parameters
    ----------
    text : object
        What was received (any type, so that the message can name it).

    Raises
    ------
    Invalid
        Not 7 digits and a letter, or a wrong check letter (a typo, most of the time).
    """
    if not isinstance(text, str):
        raise Invalid(f"UAI invalide : {text!r} (7 chiffres et une lettre attendus)")
    uai = text.strip().upper()
    if not _FORMAT.match(uai):
        raise Invalid(f"UAI invalide : {text!r} (8 caractères : 7 chiffres et une lettre)")
    expected = check_letter(uai[:7])
    if uai[7] != expected:
        raise Invalid(f"UAI invalide : {uai} (lettre de contrôle {expected} attendue)")
    return uai
