"""SQL of the per-QPV statistics: counts from the ``qpv_codes`` attributed at insert time (no
spatial join at read time)."""

from __future__ import annotations

from typing import Any

import psycopg

PER_QPV = """
SELECT q.code, q.name, COALESCE(c.theme, c.category) AS theme, w.time_slot,
       count(*) AS n, count(c.feeling) AS rated, avg(c.feeling)::float8 AS mean_feeling
FROM observation_current c
CROSS JOIN LATERAL unnest(c.qpv_codes) AS u(code)
JOIN qpv q ON q.code = u.code AND q.generation = %(generation)s
LEFT JOIN walks w ON w.id = c.walk_id
WHERE NOT c.deleted AND c.demo = %(demo)s
  AND (%(moderation)s::text[] IS NULL OR c.moderation = ANY(%(moderation)s))
GROUP BY q.code, q.name, COALESCE(c.theme, c.category), w.time_slot
ORDER BY q.code, theme, w.time_slot NULLS LAST
"""


def per_qpv(
    conn: psycopg.Connection[Any],
    *,
    generation: int,
    demo: bool,
    moderation: list[str] | None,
) -> list[tuple[Any, ...]]:
    """Rows (code, name, theme or GUSP category, time slot or None, count, count with a
    feeling, mean feeling or None) for the QPV of ``generation``.

    ``moderation`` keeps only observations in these states (None: all of them).
    """
    params = {"generation": generation, "demo": demo, "moderation": moderation}
    return conn.execute(PER_QPV, params).fetchall()
