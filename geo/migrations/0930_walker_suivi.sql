-- The « suivi » link a walker keeps to read, after her walk, what became of her observations:
-- a random token (stored as its SHA-256) tied to her pseudonymous participant row, read-only,
-- expiring; erased with her (ON DELETE CASCADE).
CREATE TABLE suivi_links (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX suivi_links_participant_idx ON suivi_links (participant_id);
