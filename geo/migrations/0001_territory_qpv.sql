-- Territory covered by the instance, and the official QPV boundaries (2015 and 2024 generations).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE territory (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]+$'),
    name text NOT NULL,
    geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX territory_geom_idx ON territory USING gist (geom);

-- Default coverage: an envelope of Loire-Atlantique (département 44), which contains Nantes
-- Métropole. Points outside it are refused as "hors de la zone couverte".
INSERT INTO territory (id, name, geom) VALUES
    ('loire-atlantique', 'Loire-Atlantique (emprise)',
     ST_Multi(ST_MakeEnvelope(-2.65, 46.80, -0.90, 47.90, 4326))),
    ('nantes-metropole', 'Nantes Métropole (emprise)',
     ST_Multi(ST_MakeEnvelope(-1.85, 47.07, -1.33, 47.37, 4326)));

CREATE TABLE qpv (
    code text NOT NULL CHECK (code ~ '^Q[PN][0-9]{5}[0-9A-Z]$'),
    generation smallint NOT NULL CHECK (generation IN (2015, 2024)),
    name text NOT NULL CHECK (name <> ''),
    communes text[] NOT NULL DEFAULT '{}',
    insee_codes text[] NOT NULL DEFAULT '{}',
    population integer CHECK (population >= 0),
    population_year smallint,
    approximate boolean NOT NULL DEFAULT false,
    source text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    geom_l93 geometry(MultiPolygon, 2154) GENERATED ALWAYS AS (ST_Transform(geom, 2154)) STORED,
    PRIMARY KEY (code, generation),
    CHECK ((generation = 2015) = (code LIKE 'QP%'))
);
CREATE INDEX qpv_geom_idx ON qpv USING gist (geom);
CREATE INDEX qpv_geom_l93_idx ON qpv USING gist (geom_l93);
COMMENT ON COLUMN qpv.approximate IS
    'true when the perimeter is not the official one of this generation (e.g. a 2015 contour carried to a 2024 code)';
