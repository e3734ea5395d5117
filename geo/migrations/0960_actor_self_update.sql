-- Actors keep their own entry true (issue 21): staff send an actor a link by e-mail; the link
-- opens a form of that entry only; what the actor proposes waits for a staff review, then is
-- applied with history and sets the verification date.
--
-- A link is a random 256-bit token kept only as its SHA-256 (the database never holds the
-- link itself), tied to one actor, expiring, and used once: the proposal consumes it.

CREATE TABLE actor_update_link (
    id bigserial PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    actor_id uuid NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    sent_to text NOT NULL CHECK (sent_to LIKE '_%@_%'),
    sent_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    delivery_error text,
    CHECK (expires_at > created_at)
);
CREATE INDEX actor_update_link_actor_idx ON actor_update_link (actor_id, created_at);

-- What an actor proposed through its link: field → [value when proposed, proposed value], or
-- « nothing changed ». Applied or refused by staff.
CREATE TABLE actor_proposal (
    id bigserial PRIMARY KEY,
    link_id bigint NOT NULL UNIQUE REFERENCES actor_update_link (id) ON DELETE CASCADE,
    actor_id uuid NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    unchanged boolean NOT NULL,
    changes jsonb NOT NULL DEFAULT '{}',
    note text CHECK (char_length(note) <= 1000),
    state text NOT NULL DEFAULT 'a_examiner'
        CHECK (state IN ('a_examiner', 'appliquee', 'refusee')),
    reviewed_at timestamptz,
    reviewed_by text,
    CHECK (unchanged OR changes <> '{}'::jsonb OR note IS NOT NULL),
    CHECK ((state = 'a_examiner') = (reviewed_at IS NULL))
);
CREATE INDEX actor_proposal_pending_idx ON actor_proposal (submitted_at)
    WHERE state = 'a_examiner';

-- The history says when a change came from the actor itself.
ALTER TABLE actor_event DROP CONSTRAINT actor_event_action_check;
ALTER TABLE actor_event ADD CONSTRAINT actor_event_action_check
    CHECK (action IN ('import_insert', 'import_update', 'create', 'update', 'verify',
                      'self_update', 'self_refused'));
