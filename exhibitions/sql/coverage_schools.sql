-- Every school of the territory with the QPV it is in or near, and what reached it.
-- Parameters: territory, generation, distance_m, year_start, year_end, window_start.
-- The aggregates are MATERIALIZED: the planner estimates one row per CTE and otherwise
-- re-aggregates them for every school (measured: 11 ms → 3.7 ms with 300 showings).
WITH zone AS (
    SELECT t.geom,
           array(SELECT c.insee_code FROM territory_commune c
                 WHERE c.territory_id = t.id) AS communes
    FROM territory t WHERE t.id = %(territory)s
),
q AS (
    SELECT q.code, q.geom_l93
    FROM qpv q, zone z
    WHERE q.generation = %(generation)s
      AND ST_Intersects(q.geom, z.geom)
      AND (cardinality(z.communes) = 0 OR q.insee_codes && z.communes
               OR cardinality(q.insee_codes) = 0)
),
s AS (
    SELECT s.*
    FROM school s, zone z
    WHERE ST_Intersects(z.geom, s.geom)
      AND (cardinality(z.communes) = 0 OR s.insee_code = ANY (z.communes))
),
near AS MATERIALIZED (
    SELECT s.uai,
           json_agg(json_build_array(q.code, round(ST_Distance(q.geom_l93, s.geom_l93))::int)
                    ORDER BY ST_Distance(q.geom_l93, s.geom_l93), q.code) AS qpv
    FROM s JOIN q ON ST_DWithin(q.geom_l93, s.geom_l93, %(distance_m)s)
    GROUP BY s.uai
),
sh AS (
    SELECT sh.uai, sh.pupils, sh.start_date, e.themes,
           daterange(sh.start_date, sh.end_date, '[]')
               && daterange(%(year_start)s::date, %(year_end)s::date, '[]') AS in_year
    FROM showing sh JOIN exhibition e ON e.id = sh.exhibition_id
    WHERE sh.uai IN (SELECT uai FROM s)
      AND daterange(sh.start_date, sh.end_date, '[]')
          && daterange(%(window_start)s::date, %(year_end)s::date, '[]')
),
agg AS MATERIALIZED (
    SELECT uai,
           count(*) FILTER (WHERE in_year) AS year_showings,
           coalesce(sum(pupils) FILTER (WHERE in_year), 0) AS year_pupils,
           max(start_date) FILTER (WHERE in_year) AS year_last,
           count(*) AS window_showings,
           coalesce(sum(pupils), 0) AS window_pupils,
           max(start_date) AS window_last
    FROM sh GROUP BY uai
),
themes AS MATERIALIZED (
    SELECT uai,
           coalesce(array_agg(DISTINCT theme) FILTER (WHERE in_year), '{}') AS year_themes,
           array_agg(DISTINCT theme) AS window_themes
    FROM sh, unnest(sh.themes) AS theme
    GROUP BY uai
)
SELECT s.uai, s.name, s.commune, s.level, s.sector, s.priority, s.segpa_section, s.enrolment,
       s.ips::float8 AS ips, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
       coalesce(near.qpv, '[]'::json) AS qpv,
       coalesce(agg.year_showings, 0) AS year_showings,
       coalesce(agg.year_pupils, 0) AS year_pupils,
       agg.year_last,
       coalesce(themes.year_themes, '{}') AS year_themes,
       coalesce(agg.window_showings, 0) AS window_showings,
       coalesce(agg.window_pupils, 0) AS window_pupils,
       agg.window_last,
       coalesce(themes.window_themes, '{}') AS window_themes
FROM s
LEFT JOIN near USING (uai)
LEFT JOIN agg USING (uai)
LEFT JOIN themes USING (uai)
ORDER BY s.name, s.uai
