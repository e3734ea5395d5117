-- Responsible bodies (Ville, bailleur, Métropole, TAN…) get accounts of their own (role
-- 'body', named by `organisation`, the name reports are routed to) with an e-mail address for
-- the delivery of routed reports; each delivery attempt is kept.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('facilitator', 'planner', 'moderator', 'admin', 'body'));
ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
    CHECK (role IN ('participant', 'facilitator', 'planner', 'moderator', 'admin', 'body'));
ALTER TABLE users ADD COLUMN email text
    CHECK (email IS NULL OR (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'));

CREATE TABLE report_deliveries (
    id bigserial PRIMARY KEY,
    observation_id uuid NOT NULL REFERENCES observations (id) ON DELETE CASCADE,
    body text NOT NULL,
    recipient text,
    channel text NOT NULL CHECK (channel IN ('email', 'open311')),
    at timestamptz NOT NULL DEFAULT now(),
    error text CHECK (length(error) <= 500)
);
CREATE INDEX report_deliveries_observation_idx ON report_deliveries (observation_id);
