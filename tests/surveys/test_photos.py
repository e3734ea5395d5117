"""Photo re-encoding without a database: metadata dropped, orientation kept, bad files refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from geo.errors import Invalid, TooLarge
from surveys.photos import MAX_BYTES, MAX_SIDE, reencode
from tests.surveys.images import GPS_IFD, HTML, SVG, phone_jpeg, png_bytes


def test_reencoded_jpeg_has_no_metadata_and_is_upright() -> None:
    original = phone_jpeg(64, 32, orientation=6)
    with Image.open(io.BytesIO(original)) as img:  # the input really carries GPS and XMP
        assert img.getexif().get_ifd(GPS_IFD)
        assert "xmp" in img.info
    photo = reencode(original)
    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.format == "JPEG"
        assert (out.width, out.height) == (32, 64)  # orientation 6 = rotated 90°: applied
        assert len(out.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(out.info)
    assert b"Exif" not in photo.content and b"xmpmeta" not in photo.content
    assert b"PhoneMaker" not in photo.content and b"secret comment" not in photo.content


def test_reencoding_is_deterministic_and_downscales() -> None:
    data = phone_jpeg(3000, 1000, orientation=1)
    first, second = reencode(data), reencode(data)
    assert first.content == second.content
    assert max(first.width, first.height) == MAX_SIDE


def test_transparent_png_becomes_a_jpeg() -> None:
    photo = reencode(png_bytes(20, 10))
    assert photo.content[:3] == b"\xff\xd8\xff" and (photo.width, photo.height) == (20, 10)


@pytest.mark.parametrize(
    ("data", "error", "fragment"),
    [
        (SVG, Invalid, "pas une image"),
        (HTML, Invalid, "pas une image"),
        (b"", Invalid, "vide"),
        (phone_jpeg()[:200], Invalid, "illisible"),
        (png_bytes(8000, 6000, "1"), TooLarge, "mégapixels"),
        (b"\xff\xd8\xff" + b"0" * (MAX_BYTES + 1), TooLarge, "20 Mo"),
    ],
    ids=["svg", "html", "empty", "truncated", "bomb", "too-big"],
)
def test_bad_files_are_refused(data: bytes, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as caught:
        reencode(data)
    assert fragment in caught.value.message  # type: ignore[attr-defined]


def test_gif_is_not_accepted() -> None:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    with pytest.raises(Invalid, match="format d'image non accepté"):
        reencode(out.getvalue())
