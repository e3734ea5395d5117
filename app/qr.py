"""QR codes drawn as inline SVG by the ``qr`` macro: segno computes the modules, this module
turns them into the path data of one ``<path>`` (no script, no external request, prints
sharply)."""

from __future__ import annotations

from dataclasses import dataclass

import segno

from ui.templating import ENV


@dataclass(frozen=True)
class QrCode:
    """A QR code as SVG path data: ``size`` modules square (quiet zone included), one
    horizontal run of dark modules per ``M x y.5 h n`` segment."""

    size: int
    path: str
    title: str


def qr_code(url: str, title: str, border: int = 4) -> QrCode:
    """``url`` as a QR code (error correction M or better, quiet zone of ``border`` modules)."""
    code = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=border)]
    runs = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}.5h{x - start}")
            else:
                x += 1
    return QrCode(size=len(rows), path="".join(runs), title=title)


def qr_svg(url: str, title: str) -> str:
    """The SVG of :func:`qr_code` as the page shows it (the ``qr`` macro)."""
    macro = ENV.get_template("_macros/qr.html").module.qr  # type: ignore[attr-defined]
    return str(macro(qr_code(url, title)))
