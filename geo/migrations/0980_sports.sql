-- « Sports et femmes » (issue 20): sports facilities from the national census of sports
-- equipment (Data ES, ministère des Sports), attached to the QPV they are in or near, and
-- counts of who is present — women, men, children — at a facility or a walk's stop, by one
-- observer during a few minutes (an « observation of use » session, or a walk).

CREATE TABLE sport_facility (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,40}$'),  -- equip_numero (national id)
    installation_id text,
    installation text,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
    kind text,          -- equip_type_name
    family text,        -- equip_type_famille
    address text,
    postcode text,
    commune text,
    code_insee text CHECK (code_insee ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
    free_access boolean,
    updated_on date,    -- equip_maj_date
    source text NOT NULL,
    source_date date NOT NULL,
    geom geometry(Point, 4326) NOT NULL
        CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
    geom_l93 geometry(Point, 2154) GENERATED ALWAYS AS (ST_Transform(geom, 2154)) STORED,
    qpv_code text,
    qpv_generation smallint,
    qpv_distance_m integer CHECK (qpv_distance_m >= 0),
    imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sport_facility_geom_idx ON sport_facility USING gist (geom);
CREATE INDEX sport_facility_qpv_idx ON sport_facility (qpv_code);
COMMENT ON COLUMN sport_facility.qpv_distance_m IS
    '0 inside its QPV; else the distance to the nearest QPV within the import''s reach';

CREATE TABLE sport_import (
    id bigserial PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    source text NOT NULL,
    source_date date NOT NULL,
    by_login text,
    summary jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE presence_count (
    id uuid PRIMARY KEY,                      -- client-generated: a resend never duplicates
    facility_id text REFERENCES sport_facility (id) ON DELETE CASCADE,
    stop_id uuid REFERENCES walk_stops (id) ON DELETE CASCADE,
    walk_id uuid REFERENCES walks (id) ON DELETE CASCADE,
    observed_at timestamptz NOT NULL,
    minutes smallint NOT NULL CHECK (minutes BETWEEN 1 AND 120),
    counts jsonb NOT NULL CHECK (jsonb_typeof(counts) = 'object'),
    author_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    participant_id uuid REFERENCES participants (id) ON DELETE SET NULL,
    territory text NOT NULL REFERENCES territory (id),
    payload_hash bytea NOT NULL,
    demo boolean NOT NULL DEFAULT false,
    received_at timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(facility_id, stop_id) = 1),
    CHECK (stop_id IS NULL OR walk_id IS NOT NULL)
);
CREATE INDEX presence_count_facility_idx ON presence_count (facility_id, observed_at);
CREATE INDEX presence_count_stop_idx ON presence_count (stop_id, observed_at);
