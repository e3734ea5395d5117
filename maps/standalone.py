"""A map page made standalone: every local script and stylesheet it references is inlined, and
the images and fonts those stylesheets point to become ``data:`` URIs, so the file opens with no
server and no network (for a report). Pure: the page and a reader of local files in, HTML out."""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Callable

from maps.assets import VENDOR_PREFIX

Reader = Callable[[str], bytes]
"""Reads a URL path of the app (``/static/...``) and returns the file's bytes."""

LOCAL_PREFIX = "/static/"
_SCRIPT = re.compile(r'<script src="(/static/[^"]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
# Font Awesome lists a TrueType copy after each WOFF2 font: every browser that runs Leaflet reads
# WOFF2, so the heavier copies are left out of the file.
_TTF_FALLBACK = re.compile(r",\s*url\([^)]*\.ttf\)\s*format\(\s*['\"]truetype['\"]\s*\)")
MEDIA_TYPES = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}


class MissingAsset(ValueError):
    """The page references a local file the reader cannot provide."""


def inline_assets(page: str, read: Reader) -> str:
    """``page`` with its ``/static/...`` scripts and stylesheets inlined.

    Parameters
    ----------
    page : str
        A full HTML page as rendered by ``maps.render.render_html``.
    read : callable
        ``read("/static/vendor/leaflet/dist/leaflet.js") -> bytes``.

    Raises
    ------
    MissingAsset
        When a referenced file cannot be read.
    """

    def script(match: re.Match[str]) -> str:
        code = _text(read, match.group(1)).replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def stylesheet(match: re.Match[str]) -> str:
        css = inline_css(_text(read, match.group(1)), match.group(1), read)
        return "<style>" + css.replace("</style", "<\\/style") + "</style>"

    page = _SCRIPT.sub(script, page)
    return _STYLESHEET.sub(stylesheet, page)


def inline_css(css: str, css_path: str, read: Reader) -> str:
    """``css`` (found at ``css_path``) with every relative ``url(...)`` as a ``data:`` URI."""
    css = _TTF_FALLBACK.sub("", css)
    base = posixpath.dirname(css_path)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")) or re.match(r"^[a-z]+:", target):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(base, target.split("?")[0].split("#")[0]))
        media = MEDIA_TYPES.get(posixpath.splitext(path)[1].lower())
        if media is None or not path.startswith(LOCAL_PREFIX):
            return match.group(0)
        data = base64.b64encode(_bytes(read, path)).decode("ascii")
        return f'url("data:{media};base64,{data}")'

    return _CSS_URL.sub(replace, css)


def _bytes(read: Reader, path: str) -> bytes:
    try:
        return read(path)
    except (OSError, KeyError, ValueError) as exc:
        raise MissingAsset(f"no local file for {path}") from exc


def _text(read: Reader, path: str) -> str:
    return _bytes(read, path).decode("utf-8")


def vendor_path(url_path: str) -> tuple[str, str] | None:
    """``/static/vendor/<package>/<file>`` → (package, file); scoped packages included."""
    prefix = VENDOR_PREFIX + "/"
    if not url_path.startswith(prefix):
        return None
    rest = url_path[len(prefix) :]
    parts = rest.split("/")
    if rest.startswith("@") and len(parts) > 2:
        return "/".join(parts[:2]), "/".join(parts[2:])
    if len(parts) > 1:
        return parts[0], "/".join(parts[1:])
    return None
