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
