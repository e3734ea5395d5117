-- Discrimination self-check (issue 11): anonymous opt-in testimonies and group sessions.
--
-- selfcheck_testimony holds EXACTLY what a young person agreed to count: the grounds, the
-- domain, the QPV or the commune, the month, the age band. No identifier (not even a row id),
-- no free text, no exact place, no IP, no time finer than the month. Statistics show counts of
-- at least k only (selfcheck/stats.py). Codes are checked against the vocabularies by the
-- service; the checks below bound their shape.
CREATE TABLE selfcheck_testimony (
    grounds text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(grounds) <= 25
               AND array_to_string(grounds, ',') ~ '^([a-z_]{1,40}(,[a-z_]{1,40})*)?$'),
    domain text CHECK (domain ~ '^[a-z_]{1,40}$'),
    qpv text CHECK (qpv ~ '^Q[PN][0-9]{3}[0-9A-Z]{3}$'),
    commune text CHECK (commune ~ '^[0-9][0-9AB][0-9]{3}$'),
    month date CHECK (month IS NULL OR extract(day FROM month) = 1),
    age_band text CHECK (age_band ~ '^[a-z0-9_]{1,20}$'),
    CHECK (num_nonnulls(qpv, commune) = 1)
);
CREATE INDEX selfcheck_testimony_qpv_idx ON selfcheck_testimony (qpv);
CREATE INDEX selfcheck_testimony_commune_idx ON selfcheck_testimony (commune);

-- Group sessions (a workshop with a class or a youth club): a facilitator creates one and gets
-- a short code for the participants and a secret key for the results page (stored hashed).
CREATE TABLE selfcheck_session (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Z]{6}$'),
    results_key_hash bytea NOT NULL,
    label text CHECK (length(label) <= 80),
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    open_until timestamptz NOT NULL,
    closed_at timestamptz
);

-- The answers shared with the group: codes only, linked to the session, never to a person.
CREATE TABLE selfcheck_group_answer (
    session_id uuid NOT NULL REFERENCES selfcheck_session (id) ON DELETE CASCADE,
    situation text NOT NULL CHECK (situation ~ '^[a-z_]{1,40}$'),
    reasons text[] NOT NULL DEFAULT '{}' CHECK (cardinality(reasons) <= 40),
    domain text CHECK (domain ~ '^[a-z_]{1,40}$'),
    outcome text NOT NULL CHECK (outcome ~ '^[a-z_]{1,60}$'),
    wishes text[] NOT NULL DEFAULT '{}' CHECK (cardinality(wishes) <= 10)
);
CREATE INDEX selfcheck_group_answer_session_idx ON selfcheck_group_answer (session_id);
