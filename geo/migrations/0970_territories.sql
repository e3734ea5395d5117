-- Territories as data (issue 20): the Métropole and the cities it experiments with
-- (Grenoble, Aubervilliers, Villeurbanne…) in one database. A territory is its communes (INSEE
-- codes, with their polygons when it was built from a file of communes), its envelope (the
-- union of those polygons), the QPV generation(s) it uses, the host names that serve it, its
-- help-line file and its contacts. `cartegalite territory add` writes them.

ALTER TABLE territory
    ADD COLUMN qpv_generations smallint[] NOT NULL DEFAULT '{2015}'
        CHECK (qpv_generations <@ '{2015,2024}'::smallint[] AND cardinality(qpv_generations) > 0),
    ADD COLUMN helplines_file text,
    ADD COLUMN contacts jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(contacts) = 'array'),
    ADD COLUMN source text;

-- One host serves one territory.
CREATE TABLE territory_host (
    host text PRIMARY KEY CHECK (host ~ '^[a-z0-9.-]+(:[0-9]+)?$'),
    territory_id text NOT NULL REFERENCES territory (id) ON DELETE CASCADE
);

ALTER TABLE territory_commune ADD COLUMN geom geometry(MultiPolygon, 4326)
    CHECK (geom IS NULL OR ST_IsValid(geom));

-- Staff belong to a territory (NULL: the instance's own, its operators' accounts).
ALTER TABLE users ADD COLUMN territory_id text REFERENCES territory (id);
COMMENT ON COLUMN users.territory_id IS
    'territory the account works in (NULL: the instance default; an admin with NULL is the '
    'operator of every territory)';

-- What a territory's public pages and staff see of a place ``g``: a territory added from its
-- file (``source`` set) sees what lies in its envelope; the instance's own territories (built
-- in, ``source`` NULL) see everything that no added territory holds — so adding a city takes
-- its places out of the Métropole's pages and changes nothing else.
CREATE FUNCTION territory_sees(territory_id text, g geometry) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        -- no added territory (the common case): nothing to cut (an uncorrelated test, once)
        WHEN NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL) THEN true
        WHEN (SELECT source IS NULL FROM territory WHERE id = territory_id) THEN NOT EXISTS (
            SELECT 1 FROM territory z
            WHERE z.source IS NOT NULL AND z.id <> territory_id AND ST_Intersects(z.geom, g))
        ELSE EXISTS (
            SELECT 1 FROM territory z WHERE z.id = territory_id AND ST_Intersects(z.geom, g))
    END
$$;

-- The same for a cell of the public grid (its centre; cells are ``cell`` metres, EPSG:2154).
CREATE FUNCTION territory_sees_cell(territory_id text, ix bigint, iy bigint, cell integer)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL) THEN true
        ELSE territory_sees(territory_id, ST_Transform(ST_SetSRID(
            ST_MakePoint((ix + 0.5) * cell, (iy + 0.5) * cell), 2154), 4326))
    END
$$;

-- The same for a place named by a QPV code or a commune INSEE code (self-check testimonies).
CREATE FUNCTION territory_sees_place(territory_id text, qpv_code text, insee text)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL) THEN true
        WHEN qpv_code IS NOT NULL THEN COALESCE((
            SELECT territory_sees(territory_id, ST_PointOnSurface(q.geom)) FROM qpv q
            WHERE q.code = qpv_code ORDER BY q.generation DESC LIMIT 1), false)
        WHEN (SELECT source IS NULL FROM territory WHERE id = territory_id) THEN NOT EXISTS (
            SELECT 1 FROM territory_commune c JOIN territory z ON z.id = c.territory_id
            WHERE z.source IS NOT NULL AND z.id <> territory_id AND c.insee_code = insee)
        ELSE EXISTS (
            SELECT 1 FROM territory_commune c
            WHERE c.territory_id = territory_id AND c.insee_code = insee)
    END
$$;

-- The self-check's public statistics: one snapshot a day per territory.
ALTER TABLE selfcheck_stats_snapshot ADD COLUMN territory text NOT NULL DEFAULT '';
ALTER TABLE selfcheck_stats_snapshot DROP CONSTRAINT selfcheck_stats_snapshot_pkey;
ALTER TABLE selfcheck_stats_snapshot ADD PRIMARY KEY (day, audience, territory);
