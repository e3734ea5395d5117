-- Roles, privacy and hardening (issue #7).
--
-- Staff passwords are argon2 hashes (users.password_hash, already there); tokens keep being
-- stored as SHA-256 of random values and now carry what kind of session they are.
-- Planners get a territorial scope: QPV codes and/or INSEE commune codes (NULL = the whole
-- territory of the instance). The audit log records who read exact locations or exports,
-- logins and administrative changes: ids and route templates only, never personal content.

ALTER TABLE users
    ADD COLUMN scope_qpv text[],
    ADD COLUMN scope_communes text[],
    ADD COLUMN password_changed_at timestamptz,
    ADD CONSTRAINT users_scope_qpv_check
        CHECK (scope_qpv IS NULL OR cardinality(scope_qpv) <= 200),
    ADD CONSTRAINT users_scope_communes_check
        CHECK (scope_communes IS NULL OR cardinality(scope_communes) <= 200);
COMMENT ON COLUMN users.scope_qpv IS
    'planner territory: QPV codes (NULL with scope_communes NULL = the whole instance)';
COMMENT ON COLUMN users.scope_communes IS 'planner territory: INSEE codes of communes';

CREATE INDEX tokens_expires_idx ON tokens (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_role text,
    actor_user_id uuid,
    actor_participant_id uuid,
    action text NOT NULL CHECK (action ~ '^[a-z_.]{1,60}$'),
    method text CHECK (length(method) <= 10),
    route text CHECK (length(route) <= 200),
    object_id text CHECK (length(object_id) <= 100),
    item_count integer,
    status smallint
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (actor_user_id, at);
COMMENT ON TABLE audit_log IS
    'who (role, account or participant id), when, what (action, route template, object id); '
    'never coordinates, free text, pseudonyms, e-mails or tokens';

-- Retention: free text and photos purged after N months (observations keep kind, theme,
-- ratings, states and QPV; the point moves to the centre of its public 200 m cell, so the
-- public aggregates do not change).
ALTER TABLE observation_versions ADD COLUMN purged_at timestamptz;
COMMENT ON COLUMN observation_versions.purged_at IS
    'when the retention purge erased the free text and coarsened the point (the one exception '
    'to "versions are never updated")';
ALTER TABLE participants ADD COLUMN purged_at timestamptz;
