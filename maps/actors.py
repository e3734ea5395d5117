"""Map of support actors: one marker per place, the icon by what it handles (discrimination or
its first domain), popups with the opening status and a ``tel:`` link. Pure: enriched GeoJSON
Features in, HTML out; every string from the data is escaped before it reaches Leaflet."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import folium

from maps import page, parts
from maps.parts import MapPage
from maps.render import Bounds, Legend, base_map, geojson_bounds
from maps.styles import Tiles
from ui.templating import render

DISCRIMINATION = ("scale-balanced", "purple", "Discriminations : écoute, droits, recours")
DOMAIN_ICONS: dict[str, tuple[str, str, str]] = {
    "emploi": ("briefcase", "darkblue", "Emploi"),
    "logement": ("house", "green", "Logement"),
    "education": ("graduation-cap", "orange", "Éducation"),
    "sante": ("heart-pulse", "red", "Santé"),
    "biens_services": ("cart-shopping", "cadetblue", "Biens et services"),
    "services_publics": ("landmark", "darkgreen", "Démarches, services publics"),
    "police_justice": ("gavel", "black", "Police, justice"),
    "espace_public": ("tree", "gray", "Espace public"),
}
OTHER = ("circle-info", "lightgray", "Autre lieu d'aide")
ICON_NAMES = {
    "scale-balanced": "balance",
    "briefcase": "mallette",
    "house": "maison",
    "graduation-cap": "toque",
    "heart-pulse": "cœur",
    "cart-shopping": "chariot",
    "landmark": "bâtiment public",
    "gavel": "marteau",
    "tree": "arbre",
    "circle-info": "i",
}
"""French names of the icons, said in the legend (the colour is never the only clue)."""
_TEL = re.compile(r"^(\+[1-9]\d{4,14}|[13]\d{3})$")
_ID = re.compile(r"^[0-9a-f-]{36}$")


def category(props: dict[str, Any]) -> tuple[str, str, str]:
    """(Font Awesome icon, marker colour, French label) of an actor."""
    if props.get("grounds"):
        return DISCRIMINATION
    for domain in props.get("domains") or []:
        if domain in DOMAIN_ICONS:
            return DOMAIN_ICONS[domain]
    return OTHER


def tel_link(number: str | None, shown: str | None = None) -> str:
    """A ``tel:`` link for an E.164 or short number (escaped); empty for anything else."""
    if not number or not _TEL.match(number):
        return ""
    return render("maps/tel_link.html", number=number, shown=shown or number)


def popup_html(props: dict[str, Any], detail_prefix: str = "/aide/lieux/") -> str:
    """Popup content: name, kind, distance, opening status, address, phone, detail link."""
    actor_id = str(props.get("id", ""))
    phone = props.get("telephone")
    return render(
        "maps/actor_popup.html",
        name=str(props.get("nom", "")),
        type_label=props.get("type_label"),
        distance_label=props.get("distance_label"),
        opening=(props.get("opening") or {}).get("label"),
        address=" ".join(
            str(props[k]) for k in ("adresse", "code_postal", "commune") if props.get(k)
        ),
        phone=phone if phone and _TEL.match(phone) else None,
        phone_shown=props.get("telephone_display") or phone,
        detail=f"{detail_prefix}{actor_id}" if _ID.match(actor_id) else None,
    )


def actors_map(
    features: Sequence[dict[str, Any]],
    tiles: Tiles | None,
    title: str = "Lieux d'aide",
    reference: tuple[float, float, str] | None = None,
    fallback_bounds: Bounds | None = None,
    with_table: bool = True,
    height: str = "75vh",
) -> MapPage:
    """The page of the actors' map (no heading: it is framed in the resident pages).

    Parameters
    ----------
    features : sequence of dict
        GeoJSON Point Features whose properties carry ``nom``, ``grounds``, ``domains``,
        ``opening``, ``telephone``… (as served by ``/api/actors``, enriched).
    tiles : Tiles, optional
        Base layer, or None (offline, tests).
    title : str
        Page title and heading (French).
    reference : (lon, lat, label), optional
        The resident's reference point (their position, the centre of a quartier).
    fallback_bounds : tuple, optional
        Extent when there is nothing to show (the territory).
    with_table : bool
        Add the same information as a table under the map (off when the page shows the list
        beside the map, e.g. in the resident page's frame).
    """
    points = [f for f in features if (f.get("geometry") or {}).get("type") == "Point"]
    fit = geojson_bounds([{"features": points}])
    if reference is not None:
        ref = (reference[0], reference[1], reference[0], reference[1])
        fit = ref if fit is None else _union(fit, ref)
    m = base_map(title, _pad(fit) if fit else fallback_bounds, tiles, height=height)
    used = actor_markers(points)
    used.add_to(m)
    if reference is not None:
        folium.CircleMarker(
            location=[reference[1], reference[0]],
            radius=9,
            color="#000",
            weight=3,
            fill=True,
            fill_color="#ffeb3b",
            fill_opacity=0.9,
            tooltip=html.escape(reference[2]),
        ).add_to(m)
    entries = legend_entries(used)
    if reference is not None:
        entries.append(("background:#ffeb3b;border:3px solid #000;border-radius:50%", "Départ"))
    Legend("Légende", entries).add_to(m)
    page.add_page_css(m)
    headers = ["Lieu", "Distance", "Ouverture", "Téléphone"]
    below: list[parts.Part] = (
        [parts.table(title, headers, _rows(points), "cg-table")] if with_table else []
    )
    return MapPage(m, None, below=below)


class ActorMarkers(folium.FeatureGroup):
    categories: dict[str, tuple[str, str, str]]


def legend_entries(layer: ActorMarkers) -> list[tuple[str, str]]:
    """(swatch CSS, French label naming the icon) of each kind of place on ``layer``."""
    return [
        (
            f"background:{_CSS_COLOURS.get(c, c)};border-radius:50%",
            f"{lab} (icône {ICON_NAMES.get(i, i)})",
        )
        for i, c, lab in layer.categories.values()
    ]


def actor_markers(points: Sequence[dict[str, Any]], name: str = "Lieux d'aide") -> ActorMarkers:
    """One marker per place (icon by what it handles, popup with the opening status and a
    ``tel:`` link, everything escaped); ``categories`` keeps the kinds met (for the legend)."""
    layer = ActorMarkers(name=html.escape(name))
    layer.categories = {}
    for feature in points:
        props = feature.get("properties") or {}
        icon, colour, label = category(props)
        layer.categories[label] = (icon, colour, label)
        lon, lat = feature["geometry"]["coordinates"][:2]
        folium.Marker(
            location=[lat, lon],
            icon=folium.Icon(icon=icon, prefix="fa", color=colour),
            tooltip=html.escape(str(props.get("nom", ""))),
            popup=folium.Popup(popup_html(props), max_width=320),
            # accessible name of the marker (a DOM property; folium emits it as safe JSON)
            title=f"{props.get('nom', '')} ({label})",
        ).add_to(layer)
    return layer


_CSS_COLOURS = {
    "darkblue": "#0d47a1",
    "darkgreen": "#1b5e20",
    "cadetblue": "#436978",
    "lightgray": "#a3a3a3",
    "purple": "#6a1b9a",
}


def table_rows(points: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Lieu, distance, opening status, phone: the table alternative of the markers."""
    return _rows(points)


def _rows(points: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for feature in points:
        props = feature.get("properties") or {}
        rows.append(
            (
                props.get("nom"),
                props.get("distance_label") or "",
                (props.get("opening") or {}).get("label") or "",
                props.get("telephone_display") or props.get("telephone") or "",
            )
        )
    return rows


def _union(a: Bounds, b: Bounds) -> Bounds:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _pad(bounds: Bounds, margin: float = 0.004) -> Bounds:
    return (bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)
