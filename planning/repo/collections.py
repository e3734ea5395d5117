"""The planning collections served through OGC API – Features and the exports: trusted SQL
(code constants, never built from requests), values as parameters. Properties are scalars
(lists joined with ``, ``) so every format — GeoJSON, GeoPackage, CSV — holds them alike."""

from __future__ import annotations

from typing import Any

from geo.features import FeatureSource
from surveys.policy import Scope, View
from surveys.repo import located
from surveys.repo.observations import scope_sql

_UTC_ISO = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


def actors() -> FeatureSource:
    """Active actors whose visibility is public (what residents may see)."""
    return FeatureSource(
        id="actors",
        title="Acteurs de l'accompagnement (publics, actifs)",
        description=(
            "Lieux qui accompagnent face aux discriminations, pour l'accès aux droits, l'emploi, "
            "le numérique : actifs et publics uniquement (source et date sur chaque lieu)."
        ),
        table="actor",
        where="status = 'active' AND visibility = 'public'",
        geometry_type="Point",
        properties=(
            ("nom", "nom"),
            ("type", "actor_type"),
            ("adresse", "adresse"),
            ("code_postal", "code_postal"),
            ("commune", "commune"),
            ("code_insee", "code_insee"),
            ("telephone", "telephone"),
            ("courriel", "courriel"),
            ("site_web", "site_web"),
            ("horaires", "coalesce(horaires_accueil, hours_text)"),
            ("motifs", "array_to_string(grounds, ', ')"),
            ("domaines", "array_to_string(domains, ', ')"),
            ("publics", "array_to_string(publics, ', ')"),
            ("source", "source"),
            ("source_date", "source_date"),
            ("verifie_le", "last_verified_on::text"),
        ),
    )


_SCHOOLS = """
    SELECT s.uai, s.geom, s.name, s.level, s.sector, s.commune, s.insee_code, s.priority,
           s.enrolment, s.segpa_section, coalesce(r.showings, 0) AS showings,
           coalesce(r.pupils, 0) AS pupils, r.exhibitions, r.last_showing
    FROM school s
    LEFT JOIN (
        SELECT sh.uai, count(*) AS showings, coalesce(sum(sh.pupils), 0) AS pupils,
               string_agg(DISTINCT e.title, ', ') AS exhibitions, max(sh.start_date) AS last_showing
        FROM showing sh JOIN exhibition e ON e.id = sh.exhibition_id
        WHERE daterange(sh.start_date, sh.end_date, '[]')
              && daterange(%(year_start)s::date, %(year_end)s::date, '[]')
        GROUP BY sh.uai
    ) r ON r.uai = s.uai
"""


def schools(school_year: str, year_start: Any, year_end: Any) -> FeatureSource:
    """Schools with what the exhibitions reached there in one school year."""
    return FeatureSource(
        id="schools",
        title=f"Établissements et expositions ({school_year})",
        description=(
            "Établissements scolaires du territoire, avec les expositions contre les "
            f"discriminations accueillies et les élèves touchés en {school_year}."
        ),
        table="school",
        subquery=_SCHOOLS,
        params={"year_start": year_start, "year_end": year_end, "school_year": school_year},
        id_column="uai",
        geometry_type="Point",
        properties=(
            ("uai", "uai"),
            ("nom", "name"),
            ("niveau", "level"),
            ("secteur", "sector"),
            ("commune", "commune"),
            ("code_insee", "insee_code"),
            ("education_prioritaire", "priority"),
            ("effectif", "enrolment"),
            ("segpa", "segpa_section"),
            ("annee_scolaire", "%(school_year)s::text"),
            ("atteint", "showings > 0"),
            ("expositions", "showings"),
            ("eleves", "pupils"),
            ("titres", "exhibitions"),
            ("derniere_exposition", "last_showing::text"),
        ),
    )


_GRID = """
    WITH obs AS (
        SELECT c.kind, COALESCE(c.theme, c.category) AS theme,
               floor(ST_X(ST_Transform(c.geom, 2154)) / %(cell)s)::bigint AS ix,
               floor(ST_Y(ST_Transform(c.geom, 2154)) / %(cell)s)::bigint AS iy,
               to_char(c.observed_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month
        FROM observation_current c
        WHERE c.moderation = %(published)s AND NOT c.deleted AND NOT c.demo
          AND c.observed_at <= now() - make_interval(days => %(delay)s)
    ), cells AS (
        SELECT kind, theme, ix, iy, count(*) AS n, min(month) AS first_month,
               max(month) AS last_month
        FROM obs GROUP BY kind, theme, ix, iy HAVING count(*) >= %(k)s
    )
    SELECT concat(%(cell)s::text, 'm-', ix, '-', iy) AS cell,
           concat(%(cell)s::text, 'm-', ix, '-', iy, '-', kind, '-', theme) AS id,
           kind, theme, n, first_month, last_month,
           ST_Transform(ST_MakeEnvelope(ix * %(cell)s, iy * %(cell)s, (ix + 1) * %(cell)s,
                                        (iy + 1) * %(cell)s, 2154), 4326) AS geom
    FROM cells
"""


def public_grid(cell_m: int, min_count: int, delay_days: int, published: str) -> FeatureSource:
    """The public aggregate: the same cells and rules as ``GET /api/public/observations``."""
    return FeatureSource(
        id="observations-public",
        title="Observations agrégées (carrés de 200 m)",
        description=(
            f"Observations publiées, comptées par carré de {cell_m} m (Lambert-93), type et "
            f"thème ; un carré n'apparaît qu'avec au moins {min_count} observations faites il y "
            f"a plus de {delay_days} jours. Jamais de point exact, de texte ni de photo."
        ),
        table="observation_current",
        subquery=_GRID,
        params={"cell": cell_m, "k": min_count, "delay": delay_days, "published": published},
        geometry_type="Polygon",
        properties=(
            ("cell", "cell"),
            ("kind", "kind"),
            ("theme", "theme"),
            ("count", "n"),
            ("first_month", "first_month"),
            ("last_month", "last_month"),
        ),
    )


_OBSERVATIONS = f"""
    SELECT c.id::text AS id, {located.point()} AS geom, c.kind, c.walk_id, w.title AS walk,
           w.time_slot, c.stop_id, c.observed_at, c.theme, c.category, c.items, c.rating,
           c.feeling, c.works_well, {located.shown_text("comment")} AS comment,
           {located.shown_text("proposal")} AS proposal, c.moderation, c.followup,
           c.responsible_body, c.qpv_codes
    FROM observation_current c LEFT JOIN walks w ON w.id = c.walk_id
    WHERE NOT c.deleted AND NOT c.demo AND {{scope}}
"""


def observations(scope: Scope, view: View) -> FeatureSource:
    """Observations within a principal's scope, their points and texts cut to the principal's
    field-level view (``surveys.policy``): exact, or at the centre of their 100 m cell."""
    where, params = scope_sql(scope)
    if view.exact_location:
        title = "Observations exactes (équipe)"
        place = "à leur position exacte"
    else:
        title = f"Observations (équipe, positions au carré de {view.cell_m} m)"
        place = f"au centre du carré de {view.cell_m} m (Lambert-93) qui les contient"
    return FeatureSource(
        id="observations",
        title=title,
        description=(
            f"Observations des marches exploratoires et diagnostics GUSP {place}, avec leurs "
            "états : réservé à l'équipe, selon son périmètre."
        ),
        table="observation_current",
        subquery=_OBSERVATIONS.format(scope=where),
        params={**params, **located.params(view)},
        geometry_type="Point",
        properties=(
            ("kind", "kind"),
            ("walk_id", "walk_id::text"),
            ("walk", "walk"),
            ("time_slot", "time_slot"),
            ("stop_id", "stop_id::text"),
            ("observed_at", _UTC_ISO.format("observed_at")),
            ("theme", "theme"),
            ("category", "category"),
            ("items", "array_to_string(items, ', ')"),
            ("rating", "rating"),
            ("feeling", "feeling"),
            ("works_well", "works_well"),
            ("comment", "comment"),
            ("proposal", "proposal"),
            ("moderation", "moderation"),
            ("followup", "followup"),
            ("responsible_body", "responsible_body"),
            ("qpv_codes", "array_to_string(qpv_codes, ', ')"),
        ),
    )
