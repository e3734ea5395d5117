-- The public statistics of the self-check testimonies are published as one snapshot a day:
-- read, submit, read again shows the same figures until the next day's snapshot, so no one
-- learns a single pupil's place and ground by differencing two reads (selfcheck/stats.py).
CREATE TABLE IF NOT EXISTS selfcheck_stats_snapshot (
    day date NOT NULL,
    audience text NOT NULL CHECK (audience = 'public'),
    body jsonb NOT NULL,
    made_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, audience)
);
