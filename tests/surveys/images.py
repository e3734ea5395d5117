"""Test images made with Pillow: a phone-like JPEG with GPS EXIF, XMP and a rotation flag."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="47,12.9N"/></rdf:RDF></x:xmpmeta>'
)


def phone_jpeg(
    width: int = 64, height: int = 32, orientation: int = 6, colour: str = "red"
) -> bytes:
    """A JPEG whose EXIF holds a GPS position (Nantes) and an orientation, plus an XMP packet."""
    img = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (47.0, 12.0, 54.0)
    gps[3] = "W"
    gps[4] = (1.0, 33.0, 13.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif, xmp=XMP, comment=b"secret comment")
    return out.getvalue()


def png_bytes(width: int, height: int, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG")
    return out.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/me')</script></body></html>"
