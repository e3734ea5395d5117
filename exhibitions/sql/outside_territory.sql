-- Which places (key, lon, lat, INSEE code) lie outside a territory: outside its geometry
-- ('position'), or inside it but in a commune the territory does not list ('commune').
-- Parameters: territory, keys, lons, lats, insee (parallel arrays).
WITH p AS (
    SELECT key, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom, insee
    FROM unnest(%(keys)s::text[], %(lons)s::float8[], %(lats)s::float8[],
                %(insee)s::text[]) AS u(key, lon, lat, insee)
),
zone AS (
    SELECT t.geom, array(SELECT c.insee_code FROM territory_commune c
                         WHERE c.territory_id = t.id) AS communes
    FROM territory t WHERE t.id = %(territory)s
)
SELECT p.key,
       CASE WHEN NOT ST_Intersects(z.geom, p.geom) THEN 'position' ELSE 'commune' END AS why
FROM p, zone z
WHERE NOT ST_Intersects(z.geom, p.geom)
   OR (cardinality(z.communes) > 0 AND NOT p.insee = ANY (z.communes))
