"""SQL of the comparison between territories (issue 20): what each territory holds, counted
the way its own public pages count it."""

from __future__ import annotations

from typing import Any

import psycopg

_COUNTS = """
SELECT t.id, t.name,
       (SELECT count(*) FROM qpv q
         WHERE q.generation = t.qpv_generations[1]
           AND territory_sees(t.id, ST_PointOnSurface(q.geom)))::int AS qpv,
       (SELECT count(*) FROM walks w
         WHERE w.territory = t.id AND w.status IN ('realisee', 'restituee', 'bilan')
           AND NOT w.demo)::int AS walks_done,
       (SELECT count(*) FROM selfcheck_testimony s
         WHERE territory_sees_place(t.id, s.qpv, s.commune))::int AS testimonies,
       (SELECT count(*) FROM actor a
         WHERE a.visibility = 'public' AND a.status <> 'fermee'
           AND territory_sees(t.id, a.geom))::int AS places,
       (SELECT count(*) FROM presence_count p
         WHERE p.territory = t.id AND NOT p.demo)::int AS presence_sessions,
       (SELECT sum((p.counts ->> %(of)s)::int) FROM presence_count p
         WHERE p.territory = t.id AND NOT p.demo)::int AS presence_women,
       (SELECT sum(c.value::int) FROM presence_count p, jsonb_each_text(p.counts) c
         WHERE p.territory = t.id AND NOT p.demo AND c.key = ANY(%(among)s))::int
           AS presence_among
FROM territory t
WHERE t.id = ANY(%(ids)s)
ORDER BY t.name
"""


def counts(
    conn: psycopg.Connection[Any], ids: list[str], share_of: str, share_among: list[str]
) -> list[dict[str, Any]]:
    """Per territory: its QPV, walks done (demo excluded), self-check testimonies, public help
    places, presence counting sessions, and the people counted for the share of women
    (``share_of`` among ``share_among``)."""
    with conn.cursor() as cur:
        rows = cur.execute(_COUNTS, {"ids": ids, "of": share_of, "among": share_among}).fetchall()
    keys = (
        "id",
        "name",
        "qpv",
        "walks_done",
        "testimonies",
        "places",
        "presence_sessions",
        "presence_women",
        "presence_among",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def compared(conn: psycopg.Connection[Any], default_id: str) -> list[str]:
    """The territories compared: the instance's own and every added one."""
    rows = conn.execute(
        "SELECT id FROM territory WHERE id = %s OR source IS NOT NULL ORDER BY id", (default_id,)
    ).fetchall()
    return [r[0] for r in rows]
