-- The QPV of one generation that lie in the territory (and in its communes, when it lists them).
-- Parameters: territory, generation.
WITH zone AS (
    SELECT t.geom, array(SELECT c.insee_code FROM territory_commune c
                         WHERE c.territory_id = t.id) AS communes
    FROM territory t WHERE t.id = %(territory)s
)
SELECT q.code, q.name, q.communes
FROM qpv q, zone z
WHERE q.generation = %(generation)s AND ST_Intersects(q.geom, z.geom)
  AND (cardinality(z.communes) = 0 OR q.insee_codes && z.communes
               OR cardinality(q.insee_codes) = 0)
ORDER BY q.code
