-- Support-actor directory (issue 4): actors aligned with data·inclusion (structure + service
-- fields, French names) plus what no directory has (grounds of discrimination, domains, publics,
-- languages, accessibility, networks, status, visibility, last verification), with the source
-- and date of the real data kept on every row.

CREATE TABLE actor (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- provenance: upserts are keyed on (source, source_id)
    source text NOT NULL CHECK (source <> ''),
    source_id text NOT NULL CHECK (source_id <> ''),
    source_id_derived boolean NOT NULL DEFAULT false,
    source_date text,
    source_file text,
    source_note text,
    date_maj date,
    actor_type text CHECK (actor_type ~ '^[a-z0-9_]{2,60}$'),
    -- data·inclusion fields
    nom text NOT NULL CHECK (char_length(nom) BETWEEN 1 AND 300),
    description text CHECK (char_length(description) <= 5000),
    adresse text,
    complement_adresse text,
    code_postal text CHECK (code_postal ~ '^[0-9]{5}$'),
    commune text,
    code_insee text CHECK (code_insee ~ '^([0-9]{5}|2[AB][0-9]{3})$'),
    telephone text CHECK (telephone ~ '^\+[1-9][0-9]{4,14}$'),
    courriel text CHECK (courriel LIKE '_%@_%'),
    site_web text CHECK (site_web ~ '^https?://'),
    horaires_accueil text,
    accessibilite_lieu text CHECK (accessibilite_lieu ~ '^https?://'),
    reseaux_porteurs text[] NOT NULL DEFAULT '{}',
    publics text[] NOT NULL DEFAULT '{}',
    thematiques text[] NOT NULL DEFAULT '{}',
    modes_accueil text[] NOT NULL DEFAULT '{}',
    frais text,
    -- what only this directory holds
    grounds text[] NOT NULL DEFAULT '{}',
    domains text[] NOT NULL DEFAULT '{}',
    networks text[] NOT NULL DEFAULT '{}',
    languages text[] NOT NULL DEFAULT '{}',
    accessibility text[] NOT NULL DEFAULT '{}',
    hours_text text,
    hours_origin text CHECK (hours_origin IN ('osm_source', 'converti', 'texte', 'saisie')),
    derived_fields text[] NOT NULL DEFAULT '{}',
    derivation_rule text,
    edited_fields text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'temporairement_fermee', 'fermee')),
    closure_message text CHECK (char_length(closure_message) <= 500),
    closed_from date,
    closed_until date,
    visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'professionnels')),
    last_verified_on date,
    -- search helpers, computed by the application (accents and case folded)
    commune_key text NOT NULL DEFAULT '',
    search_text text NOT NULL DEFAULT '',
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    geom geometry(Point, 4326) NOT NULL
        CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_id),
    CHECK (closed_until IS NULL OR closed_from IS NULL OR closed_until >= closed_from)
);
CREATE INDEX actor_geom_idx ON actor USING gist (geom);
-- KNN and radius searches on the sphere: metres, never degrees (FACTS.md).
CREATE INDEX actor_geog_idx ON actor USING gist ((geom::geography));
CREATE INDEX actor_search_idx ON actor USING gin (search);
CREATE INDEX actor_commune_idx ON actor (code_insee);
CREATE INDEX actor_commune_key_idx ON actor (commune_key);
CREATE INDEX actor_grounds_idx ON actor USING gin (grounds);
CREATE INDEX actor_domains_idx ON actor USING gin (domains);
COMMENT ON COLUMN actor.derived_fields IS
    'fields filled from the actor type rule (actors/type_rules.toml), not from the source';
COMMENT ON COLUMN actor.edited_fields IS
    'fields changed by staff: later imports do not overwrite them';

-- Who changed what (imports and staff), with the previous values.
CREATE TABLE actor_event (
    id bigserial PRIMARY KEY,
    actor_id uuid NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    at timestamptz NOT NULL DEFAULT now(),
    by_login text,
    action text NOT NULL CHECK (action IN ('import_insert', 'import_update', 'create',
                                           'update', 'verify')),
    import_id bigint,
    changes jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX actor_event_actor_idx ON actor_event (actor_id, at);

-- One row per import run, with every refused row and its reasons.
CREATE TABLE actor_import (
    id bigserial PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    path text NOT NULL,
    format text NOT NULL,
    by_login text,
    summary jsonb NOT NULL DEFAULT '{}'
);

-- Likely duplicates found by imports: kept for review instead of being created.
CREATE TABLE actor_duplicate (
    id bigserial PRIMARY KEY,
    import_id bigint REFERENCES actor_import (id) ON DELETE SET NULL,
    existing_id uuid NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    source text NOT NULL,
    source_id text NOT NULL,
    nom text NOT NULL,
    distance_m real NOT NULL,
    similarity real NOT NULL,
    record jsonb NOT NULL,
    state text NOT NULL DEFAULT 'a_examiner' CHECK (state IN ('a_examiner', 'confirme', 'distinct')),
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by text,
    UNIQUE (source, source_id, existing_id)
);
