-- The public aggregate, maintained incrementally (issue 19).
--
-- `public_cell_counts` holds, per fixed 200 m cell of Lambert-93 (the grid of
-- surveys.service.public), kind, theme (GUSP: category; '' when neither), month (Europe/Paris)
-- and demo flag, the number of observations that count for the public: published, not erased,
-- current version. Triggers keep it equal to that count in the same transaction as every
-- change: a new version, a correction (current_version), a moderation decision, an erasure
-- (deleted, or the observation deleted). The k and delay rules are applied when it is read:
-- whole months before the month of the delay's cut-off come from this table; that month comes
-- from the observations themselves (surveys/repo/public.py).
--
-- Concurrency: a change of an observation row and a change of its version row by two
-- transactions would each count from the state the other has not committed yet; the version
-- triggers therefore lock the observation rows first (FOR SHARE, which waits for an UPDATE of
-- them and blocks one), and the observation trigger then reads the versions after the wait.
-- Increments commute, so concurrent counts on one cell need no more than the row lock of the
-- upsert.

CREATE FUNCTION public_cell_m() RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT 200';
COMMENT ON FUNCTION public_cell_m() IS 'side of the public grid cells (surveys.service.public.CELL_M)';

CREATE TABLE public_cell_counts (
    demo boolean NOT NULL,
    kind text NOT NULL,
    theme text NOT NULL,
    ix bigint NOT NULL,
    iy bigint NOT NULL,
    month date NOT NULL,
    n integer NOT NULL,  -- no CHECK (n >= 0): it would refuse the upsert of a decrement
    PRIMARY KEY (demo, kind, theme, month, ix, iy)
);
COMMENT ON TABLE public_cell_counts IS
    'published observations per public grid cell, kind, theme and month (issue 19)';

-- The month of the cut-off is read from the observations: by date.
CREATE INDEX observation_versions_observed_at_idx ON observation_versions (observed_at);

CREATE FUNCTION public_counts_key_month(observed_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT date_trunc('month', observed_at AT TIME ZONE 'Europe/Paris')::date $$;

-- versions: INSERT (counted when the observation is published and this is its current version:
-- the submission's statement inserting both, a bulk load of published rows)
CREATE FUNCTION public_counts_version_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public_cell_counts AS p (demo, kind, theme, ix, iy, month, n)
    SELECT o.demo, o.kind, COALESCE(v.theme, v.category, ''),
           floor(ST_X(v.geom_l93) / public_cell_m())::bigint,
           floor(ST_Y(v.geom_l93) / public_cell_m())::bigint,
           public_counts_key_month(v.observed_at), count(*)
    FROM new_versions v
    JOIN observations o ON o.id = v.observation_id AND o.current_version = v.version
    WHERE o.moderation = 'publiee' AND NOT v.deleted
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 6, 4, 5
    ON CONFLICT (demo, kind, theme, month, ix, iy) DO UPDATE SET n = p.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER public_counts_version_insert
AFTER INSERT ON observation_versions
REFERENCING NEW TABLE AS new_versions
FOR EACH STATEMENT EXECUTE FUNCTION public_counts_version_insert();

-- versions: UPDATE (erasure flag, retention purge, any change of place, time or theme)
CREATE FUNCTION public_counts_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM observations o
    WHERE o.id IN (SELECT observation_id FROM new_versions)
    ORDER BY o.id FOR SHARE;
    WITH changed AS (
        SELECT o.demo, o.kind, ov.theme AS o_theme, ov.category AS o_category,
               ov.geom_l93 AS o_geom, ov.observed_at AS o_at, ov.deleted AS o_deleted,
               nv.theme AS n_theme, nv.category AS n_category, nv.geom_l93 AS n_geom,
               nv.observed_at AS n_at, nv.deleted AS n_deleted
        FROM old_versions ov
        JOIN new_versions nv ON nv.observation_id = ov.observation_id AND nv.version = ov.version
        JOIN observations o ON o.id = nv.observation_id AND o.current_version = nv.version
        WHERE o.moderation = 'publiee'
          AND (ov.theme, ov.category, ov.observed_at, ov.deleted, ST_AsBinary(ov.geom_l93))
              IS DISTINCT FROM
              (nv.theme, nv.category, nv.observed_at, nv.deleted, ST_AsBinary(nv.geom_l93))
    ), deltas AS (
        SELECT demo, kind, COALESCE(o_theme, o_category, '') AS theme,
               floor(ST_X(o_geom) / public_cell_m())::bigint AS ix,
               floor(ST_Y(o_geom) / public_cell_m())::bigint AS iy,
               public_counts_key_month(o_at) AS month, -1 AS d
        FROM changed WHERE NOT o_deleted
        UNION ALL
        SELECT demo, kind, COALESCE(n_theme, n_category, ''),
               floor(ST_X(n_geom) / public_cell_m())::bigint,
               floor(ST_Y(n_geom) / public_cell_m())::bigint,
               public_counts_key_month(n_at), 1
        FROM changed WHERE NOT n_deleted
    )
    INSERT INTO public_cell_counts AS p (demo, kind, theme, ix, iy, month, n)
    SELECT demo, kind, theme, ix, iy, month, sum(d)
    FROM deltas GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0
    ORDER BY 1, 2, 3, 6, 4, 5
    ON CONFLICT (demo, kind, theme, month, ix, iy) DO UPDATE SET n = p.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER public_counts_version_update
AFTER UPDATE ON observation_versions
REFERENCING OLD TABLE AS old_versions NEW TABLE AS new_versions
FOR EACH STATEMENT EXECUTE FUNCTION public_counts_version_update();

-- versions: DELETE of a version while its observation remains (a cascade from a deleted
-- observation finds no observation: the observation's own trigger took its count away)
CREATE FUNCTION public_counts_version_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public_cell_counts AS p (demo, kind, theme, ix, iy, month, n)
    SELECT o.demo, o.kind, COALESCE(v.theme, v.category, ''),
           floor(ST_X(v.geom_l93) / public_cell_m())::bigint,
           floor(ST_Y(v.geom_l93) / public_cell_m())::bigint,
           public_counts_key_month(v.observed_at), -count(*)
    FROM old_versions v
    JOIN observations o ON o.id = v.observation_id AND o.current_version = v.version
    WHERE o.moderation = 'publiee' AND NOT v.deleted
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 6, 4, 5
    ON CONFLICT (demo, kind, theme, month, ix, iy) DO UPDATE SET n = p.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER public_counts_version_delete
AFTER DELETE ON observation_versions
REFERENCING OLD TABLE AS old_versions
FOR EACH STATEMENT EXECUTE FUNCTION public_counts_version_delete();

-- observations: UPDATE of moderation, current version (a correction), demo or kind
CREATE FUNCTION public_counts_observation_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH changed AS (
        SELECT oo.id, oo.demo AS o_demo, oo.kind AS o_kind, oo.current_version AS o_version,
               oo.moderation = 'publiee' AS o_pub,
               nw.demo AS n_demo, nw.kind AS n_kind, nw.current_version AS n_version,
               nw.moderation = 'publiee' AS n_pub
        FROM old_observations oo JOIN new_observations nw ON nw.id = oo.id
        WHERE (oo.demo, oo.kind, oo.current_version, oo.moderation = 'publiee')
              IS DISTINCT FROM (nw.demo, nw.kind, nw.current_version, nw.moderation = 'publiee')
          AND (oo.moderation = 'publiee' OR nw.moderation = 'publiee')
    ), deltas AS (
        SELECT c.o_demo AS demo, c.o_kind AS kind, COALESCE(v.theme, v.category, '') AS theme,
               floor(ST_X(v.geom_l93) / public_cell_m())::bigint AS ix,
               floor(ST_Y(v.geom_l93) / public_cell_m())::bigint AS iy,
               public_counts_key_month(v.observed_at) AS month, -1 AS d
        FROM changed c
        JOIN observation_versions v ON v.observation_id = c.id AND v.version = c.o_version
        WHERE c.o_pub AND NOT v.deleted
        UNION ALL
        SELECT c.n_demo, c.n_kind, COALESCE(v.theme, v.category, ''),
               floor(ST_X(v.geom_l93) / public_cell_m())::bigint,
               floor(ST_Y(v.geom_l93) / public_cell_m())::bigint,
               public_counts_key_month(v.observed_at), 1
        FROM changed c
        JOIN observation_versions v ON v.observation_id = c.id AND v.version = c.n_version
        WHERE c.n_pub AND NOT v.deleted
    )
    INSERT INTO public_cell_counts AS p (demo, kind, theme, ix, iy, month, n)
    SELECT demo, kind, theme, ix, iy, month, sum(d)
    FROM deltas GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0
    ORDER BY 1, 2, 3, 6, 4, 5
    ON CONFLICT (demo, kind, theme, month, ix, iy) DO UPDATE SET n = p.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER public_counts_observation_update
AFTER UPDATE ON observations
REFERENCING OLD TABLE AS old_observations NEW TABLE AS new_observations
FOR EACH STATEMENT EXECUTE FUNCTION public_counts_observation_update();

-- observations: DELETE (erasure of a participant, deletion by its author, demo reset): the
-- count of its current version goes, read before the cascade removes the versions
CREATE FUNCTION public_counts_observation_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.moderation = 'publiee' THEN
        INSERT INTO public_cell_counts AS p (demo, kind, theme, ix, iy, month, n)
        SELECT OLD.demo, OLD.kind, COALESCE(v.theme, v.category, ''),
               floor(ST_X(v.geom_l93) / public_cell_m())::bigint,
               floor(ST_Y(v.geom_l93) / public_cell_m())::bigint,
               public_counts_key_month(v.observed_at), -1
        FROM observation_versions v
        WHERE v.observation_id = OLD.id AND v.version = OLD.current_version AND NOT v.deleted
        ON CONFLICT (demo, kind, theme, month, ix, iy) DO UPDATE SET n = p.n + EXCLUDED.n;
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER public_counts_observation_delete
BEFORE DELETE ON observations
FOR EACH ROW EXECUTE FUNCTION public_counts_observation_delete();

-- observations or their versions: TRUNCATE (tests, a reset): nothing is left to count
CREATE FUNCTION public_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE public_cell_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER public_counts_truncate
AFTER TRUNCATE ON observations
FOR EACH STATEMENT EXECUTE FUNCTION public_counts_truncate();

CREATE TRIGGER public_counts_truncate
AFTER TRUNCATE ON observation_versions
FOR EACH STATEMENT EXECUTE FUNCTION public_counts_truncate();

-- What is there already
INSERT INTO public_cell_counts (demo, kind, theme, ix, iy, month, n)
SELECT o.demo, o.kind, COALESCE(v.theme, v.category, ''),
       floor(ST_X(v.geom_l93) / public_cell_m())::bigint,
       floor(ST_Y(v.geom_l93) / public_cell_m())::bigint,
       public_counts_key_month(v.observed_at), count(*)
FROM observations o
JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
WHERE o.moderation = 'publiee' AND NOT v.deleted
GROUP BY 1, 2, 3, 4, 5, 6;
