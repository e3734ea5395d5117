"""Photo re-encoding: the only bytes ever stored are a fresh JPEG made by Pillow.

Fail closed: anything that is not a plain raster photo (SVG, HTML or a script renamed ``.jpg``,
a truncated file, a decompression bomb, an animation, an absurd size) is refused with a French
message, and the caller keeps the observation. EXIF orientation is applied to the pixels first,
then every metadata block (EXIF with GPS, XMP, IPTC, ICC, comments) is left behind.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from geo.errors import Invalid, TooLarge

MAX_BYTES = 20 * 1024 * 1024
"""Largest upload accepted (bytes)."""

MAX_PIXELS = 40_000_000
"""Largest image accepted (pixels); Pillow's own bomb guard is set to the same bound."""

MAX_SIDE = 2560
"""Stored photos are scaled down so that their longest side is at most this (pixels)."""

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})
"""What phones and browsers send (MPO: multi-picture JPEG of some cameras)."""

JPEG_QUALITY = 85

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class Photo:
    content: bytes
    width: int
    height: int
    media_type: str = "image/jpeg"

    @property
    def sha256(self) -> bytes:
        """Digest of the re-encoded bytes (the idempotency check of photos)."""
        return hashlib.sha256(self.content).digest()


def reencode(data: bytes) -> Photo:
    """Validate ``data`` as a photo and return a metadata-free JPEG of it.

    Parameters
    ----------
    data : bytes
        The uploaded file, whatever its declared type.

    Raises
    ------
    TooLarge
        More than :data:`MAX_BYTES` bytes or :data:`MAX_PIXELS` pixels.
    Invalid
        Not an image, an unsupported format, a corrupt or truncated file.
    """
    if len(data) > MAX_BYTES:
        raise TooLarge(f"photo trop volumineuse (maximum {MAX_BYTES // (1024 * 1024)} Mo)")
    if not data:
        raise Invalid("fichier photo vide")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge(f"image trop grande (maximum {MAX_PIXELS // 1_000_000} mégapixels)") from exc
    except UnidentifiedImageError as exc:
        raise Invalid("le fichier n'est pas une image reconnue (JPEG, PNG ou WebP)") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Invalid("image illisible ou tronquée") from exc


def _reencode(data: bytes) -> Photo:
    with Image.open(io.BytesIO(data)) as img:
        if img.format not in ACCEPTED_FORMATS:
            raise Invalid(f"format d'image non accepté : {img.format} (JPEG, PNG ou WebP)")
        if img.width * img.height > MAX_PIXELS:
            raise TooLarge(f"image trop grande (maximum {MAX_PIXELS // 1_000_000} mégapixels)")
        if getattr(img, "n_frames", 1) > 1 and img.format != "MPO":
            raise Invalid("les images animées ne sont pas acceptées")
        img.load()
        upright = ImageOps.exif_transpose(img) or img
        rgb = _to_rgb(upright)
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, icc_profile=, comment= or xmp= argument: nothing of the original travels along.
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False)
    return Photo(out.getvalue(), rgb.width, rgb.height)


def _to_rgb(img: Image.Image) -> Image.Image:
    """A brand-new RGB image holding only the pixels (no ``info`` dict is carried over)."""
    clean = Image.new("RGB", img.size, (255, 255, 255))
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(img.convert("RGB"))
    return clean
