-- Staff accounts and bearer tokens (hashed). Participants of walks get tokens too
-- (role 'participant', scoped to one walk); the surveys migrations own the participants table.
CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    login text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name text,
    role text NOT NULL CHECK (role IN ('facilitator', 'planner', 'moderator', 'admin')),
    organisation text,
    password_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz
);

CREATE TABLE tokens (
    id bigserial PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    role text NOT NULL
        CHECK (role IN ('participant', 'facilitator', 'planner', 'moderator', 'admin')),
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    participant_id uuid,
    walk_id uuid,
    label text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    CHECK ((role = 'participant') = (participant_id IS NOT NULL AND user_id IS NULL)),
    CHECK (role = 'participant' OR user_id IS NOT NULL)
);
CREATE INDEX tokens_user_idx ON tokens (user_id);
CREATE INDEX tokens_participant_idx ON tokens (participant_id);
