"""Local copies of the JS/CSS that Folium would otherwise pull from CDNs.

``VENDOR_PACKAGES`` lists the npm packages the app serves under ``/static/vendor/<package>/``
(installed by the set-up from ``package.json``). ``LOCAL_URLS`` maps every CDN URL used by the
Folium classes we build with to its local path, or to ``None`` when the file is dropped on
purpose. :func:`localize` rewrites a map in place and refuses any URL it does not know, so a CDN
reference can never slip into a page unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator

from branca.element import Element

VENDOR_PREFIX = "/static/vendor"

VENDOR_PACKAGES: tuple[str, ...] = (
    "leaflet",
    "jquery",
    "bootstrap",
    "@fortawesome/fontawesome-free",
    "leaflet.awesome-markers",
    "leaflet.markercluster",
    "leaflet.heat",
)
"""npm packages whose files the app serves (nothing else from node_modules is exposed)."""

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_JSDELIVR = "https://cdn.jsdelivr.net"
_FOLIUM_GH = f"{_JSDELIVR}/gh/python-visualization/folium"

LOCAL_URLS: dict[str, str | None] = {
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/dist/leaflet.js",
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/dist/js/bootstrap.bundle.min.js"
    ),
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap/dist/css/bootstrap.min.css"
    ),
    # Bootstrap 3 glyphicons: not used (markers use Font Awesome icons); dropped.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    f"{_JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "@fortawesome/fontawesome-free/css/all.min.css"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.js"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.css"
    ),
    # Icon rotation classes: not used; dropped.
    f"{_FOLIUM_GH}/folium/templates/leaflet.awesome.rotate.min.css": None,
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster/dist/leaflet.markercluster.js"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "leaflet.markercluster/dist/MarkerCluster.css"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster/dist/MarkerCluster.Default.css"
    ),
    f"{_JSDELIVR}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
        "leaflet.heat/dist/leaflet-heat.js"
    ),
}


class UnknownAsset(ValueError):
    """A map references a remote script or stylesheet with no local copy."""


def local_url(url: str, prefix: str = VENDOR_PREFIX) -> str | None:
    """Local URL of a CDN asset (``None`` when dropped on purpose).

    Raises
    ------
    UnknownAsset
        When ``url`` is remote and not in :data:`LOCAL_URLS`.
    """
    if url.startswith(prefix) or not url.startswith(("http://", "https://", "//")):
        return url
    if url not in LOCAL_URLS:
        raise UnknownAsset(f"no local copy of {url}: add it to maps.assets.LOCAL_URLS")
    path = LOCAL_URLS[url]
    return f"{prefix}/{path}" if path else None


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize(root: Element, prefix: str = VENDOR_PREFIX) -> None:
    """Rewrite ``default_js``/``default_css`` of ``root`` and all its descendants to local URLs.

    Call it after the map is fully composed and before rendering.
    """
    for element in _walk(root):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if not assets:
                continue
            rewritten = []
            for name, url in assets:
                local = local_url(url, prefix)
                if local is not None:
                    rewritten.append((name, local))
            setattr(element, attr, rewritten)
