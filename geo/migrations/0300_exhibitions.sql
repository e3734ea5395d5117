-- School exhibitions against discrimination: schools (any level), exhibitions and their physical
-- copies, showings (bookings of one copy in one school over a period). Two bookings of the same
-- copy over overlapping dates are refused by an exclusion constraint (btree_gist, a trusted
-- extension: no superuser needed).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The territories of migration 0001 are envelopes: the one of Nantes Métropole also covers
-- parts of eight neighbouring communes (89 of the 175 collèges of Loire-Atlantique instead of 76).
-- When a territory lists its communes here, a place must also lie in one of them (INSEE code).
-- Generic on purpose: any domain may use it (see exhibitions.repo.in_territory).
CREATE TABLE IF NOT EXISTS territory_commune (
    territory_id text NOT NULL REFERENCES territory (id) ON DELETE CASCADE,
    insee_code text NOT NULL CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
    name text NOT NULL CHECK (name <> ''),
    PRIMARY KEY (territory_id, insee_code)
);

-- The 24 communes of Nantes Métropole (EPCI 244400404).
INSERT INTO territory_commune (territory_id, insee_code, name) VALUES
    ('nantes-metropole', '44009', 'Basse-Goulaine'),
    ('nantes-metropole', '44018', 'Bouaye'),
    ('nantes-metropole', '44020', 'Bouguenais'),
    ('nantes-metropole', '44024', 'Brains'),
    ('nantes-metropole', '44026', 'Carquefou'),
    ('nantes-metropole', '44035', 'La Chapelle-sur-Erdre'),
    ('nantes-metropole', '44047', 'Couëron'),
    ('nantes-metropole', '44074', 'Indre'),
    ('nantes-metropole', '44094', 'Mauves-sur-Loire'),
    ('nantes-metropole', '44101', 'La Montagne'),
    ('nantes-metropole', '44109', 'Nantes'),
    ('nantes-metropole', '44114', 'Orvault'),
    ('nantes-metropole', '44120', 'Le Pellerin'),
    ('nantes-metropole', '44143', 'Rezé'),
    ('nantes-metropole', '44150', 'Saint-Aignan-Grandlieu'),
    ('nantes-metropole', '44162', 'Saint-Herblain'),
    ('nantes-metropole', '44166', 'Saint-Jean-de-Boiseau'),
    ('nantes-metropole', '44171', 'Saint-Léger-les-Vignes'),
    ('nantes-metropole', '44172', 'Sainte-Luce-sur-Loire'),
    ('nantes-metropole', '44190', 'Saint-Sébastien-sur-Loire'),
    ('nantes-metropole', '44194', 'Sautron'),
    ('nantes-metropole', '44198', 'Les Sorinières'),
    ('nantes-metropole', '44204', 'Thouaré-sur-Loire'),
    ('nantes-metropole', '44215', 'Vertou')
ON CONFLICT DO NOTHING;

CREATE TABLE school (
    uai text PRIMARY KEY CHECK (uai ~ '^[0-9]{7}[A-Z]$'),
    name text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    level text NOT NULL CHECK (level IN ('ecole', 'college', 'lycee')),
    sector text NOT NULL CHECK (sector IN ('public', 'prive')),
    segpa_section boolean NOT NULL DEFAULT false,
    address text,
    postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
    commune text,
    insee_code text NOT NULL CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
    priority text CHECK (priority IN ('rep_plus', 'rep', 'hors_ep')),
    ips numeric(5, 1) CHECK (ips BETWEEN 20 AND 250),
    ips_year text,
    enrolment integer CHECK (enrolment BETWEEN 0 AND 10000),
    enrolment_year text,
    source text NOT NULL,
    geom geometry(Point, 4326) NOT NULL
        CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
    geom_l93 geometry(Point, 2154) GENERATED ALWAYS AS (ST_Transform(geom, 2154)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX school_geom_idx ON school USING gist (geom);
CREATE INDEX school_geom_l93_idx ON school USING gist (geom_l93);
COMMENT ON COLUMN school.priority IS
    'éducation prioritaire: rep_plus, rep, hors_ep; NULL when not applicable (private) or unknown';
COMMENT ON COLUMN school.segpa_section IS
    'a SEGPA section registered under its own UAI (shares the address of its collège)';

CREATE TABLE exhibition (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
    partner text CHECK (length(partner) <= 200),
    themes text[] NOT NULL DEFAULT '{}',
    age_min smallint CHECK (age_min BETWEEN 3 AND 25),
    age_max smallint CHECK (age_max BETWEEN 3 AND 25),
    description text CHECK (length(description) <= 5000),
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (age_min <= age_max)
);

CREATE TABLE exhibition_copy (
    exhibition_id uuid NOT NULL REFERENCES exhibition (id) ON DELETE CASCADE,
    number smallint NOT NULL CHECK (number BETWEEN 1 AND 99),
    label text CHECK (length(label) <= 120),
    PRIMARY KEY (exhibition_id, number)
);

CREATE TABLE showing (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    exhibition_id uuid NOT NULL,
    copy_number smallint NOT NULL,
    uai text NOT NULL REFERENCES school (uai) ON UPDATE CASCADE,
    start_date date NOT NULL,
    end_date date NOT NULL,
    classes smallint CHECK (classes BETWEEN 0 AND 100),
    pupils integer CHECK (pupils BETWEEN 0 AND 5000),
    workshop text CHECK (length(workshop) <= 500),
    intervenant text CHECK (length(intervenant) <= 200),
    notes text CHECK (length(notes) <= 2000),
    recorded_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (exhibition_id, copy_number) REFERENCES exhibition_copy (exhibition_id, number),
    CONSTRAINT showing_dates_ordered CHECK (end_date >= start_date),
    CONSTRAINT showing_at_most_a_year CHECK (end_date - start_date <= 366),
    CONSTRAINT showing_copy_not_double_booked EXCLUDE USING gist (
        exhibition_id WITH =,
        copy_number WITH =,
        daterange(start_date, end_date, '[]') WITH &&
    )
);
CREATE INDEX showing_uai_idx ON showing (uai);
CREATE INDEX showing_period_idx ON showing USING gist (daterange(start_date, end_date, '[]'));
