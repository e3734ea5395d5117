-- Corrections of observations by their authors (the walkers' field app, issue #8).
--
-- A correction is a new row of observation_versions (version n + 1); version 1 stays the
-- original as submitted. Each correction records the SHA-256 of its canonical content so that a
-- correction resent after a lost answer is recognised (200) instead of written twice. Version 1
-- keeps its hash in observations.payload_hash (NULL here).

ALTER TABLE observation_versions
    ADD COLUMN payload_hash bytea CHECK (payload_hash IS NULL OR length(payload_hash) = 32);

COMMENT ON COLUMN observation_versions.payload_hash IS
    'SHA-256 of the canonical content of a correction (versions >= 2); version 1: observations.payload_hash';

