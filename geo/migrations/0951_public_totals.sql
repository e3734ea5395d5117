-- The public aggregate, second step (issue 19): per-cell totals.
--
-- Measured on the benchmark's 1,000,000 observations: 0950's monthly counts hold 228,751 rows
-- (cell × kind × theme × month compresses synthetic walks spread over two years little), and
-- summing them cost 0.66 s, half the bare SQL's 1.3 s. `public_cell_totals` holds one row per
-- cell, kind and theme (24,653 there): the count of every published observation, its first and
-- last month, and the cell's polygon (GeoJSON, computed once). A computation reads it and
-- subtracts the observations made after the delay's cut-off (a few days of data, read by date).
--
-- Writers: every change goes through public_counts_apply(), which takes the totals rows of the
-- cells it changes FOR UPDATE, in key order, before it changes the monthly counts, then
-- recomputes those totals from the monthly counts in a new statement: two transactions changing
-- one cell take turns, and the second counts what the first committed.

ALTER TABLE public_cell_counts DROP CONSTRAINT public_cell_counts_pkey;
ALTER TABLE public_cell_counts ADD PRIMARY KEY (demo, kind, theme, ix, iy, month);

CREATE TABLE public_cell_totals (
    demo boolean NOT NULL,
    kind text NOT NULL,
    theme text NOT NULL,
    ix bigint NOT NULL,
    iy bigint NOT NULL,
    n bigint NOT NULL,
    first_month date,
    last_month date,
    geometry json NOT NULL,
    PRIMARY KEY (demo, kind, theme, ix, iy)
);
COMMENT ON TABLE public_cell_totals IS
    'published observations per public grid cell, kind and theme, with the cell polygon (issue 19)';

CREATE FUNCTION public_cell_polygon(ix bigint, iy bigint) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(ix * public_cell_m(), iy * public_cell_m(),
                                                     (ix + 1) * public_cell_m(),
                                                     (iy + 1) * public_cell_m(), 2154), 4326),
                        6)::json
$$;

-- Apply signed counts (one element per cell, kind, theme, month) to both tables.
CREATE FUNCTION public_counts_apply(p_demo boolean[], p_kind text[], p_theme text[],
                                    p_ix bigint[], p_iy bigint[], p_month date[], p_d bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_d IS NULL OR cardinality(p_d) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO public_cell_totals AS t (demo, kind, theme, ix, iy, n, geometry)
    SELECT demo, kind, theme, ix, iy, 0::bigint, public_cell_polygon(ix, iy)
    FROM (SELECT DISTINCT * FROM unnest(p_demo, p_kind, p_theme, p_ix, p_iy)
                                 AS u (demo, kind, theme, ix, iy)) u
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (demo, kind, theme, ix, iy) DO NOTHING;
    PERFORM 1 FROM public_cell_totals t
    WHERE (t.demo, t.kind, t.theme, t.ix, t.iy) IN
          (SELECT * FROM unnest(p_demo, p_kind, p_theme, p_ix, p_iy))
    ORDER BY t.demo, t.kind, t.theme, t.ix, t.iy FOR UPDATE;
    INSERT INTO public_cell_counts AS p (demo, kind, theme, ix, iy, month, n)
    SELECT demo, kind, theme, ix, iy, month, sum(d)
    FROM unnest(p_demo, p_kind, p_theme, p_ix, p_iy, p_month, p_d)
         AS u (demo, kind, theme, ix, iy, month, d)
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (demo, kind, theme, ix, iy, month) DO UPDATE SET n = p.n + EXCLUDED.n;
    UPDATE public_cell_totals t
    SET n = s.n, first_month = s.first_m, last_month = s.last_m
    FROM (
        SELECT p.demo, p.kind, p.theme, p.ix, p.iy, sum(p.n) AS n,
               min(p.month) FILTER (WHERE p.n > 0) AS first_m,
               max(p.month) FILTER (WHERE p.n > 0) AS last_m
        FROM public_cell_counts p
        WHERE (p.demo, p.kind, p.theme, p.ix, p.iy) IN
              (SELECT * FROM unnest(p_demo, p_kind, p_theme, p_ix, p_iy))
        GROUP BY 1, 2, 3, 4, 5
    ) s
    WHERE (t.demo, t.kind, t.theme, t.ix, t.iy) = (s.demo, s.kind, s.theme, s.ix, s.iy);
END $$;

CREATE OR REPLACE FUNCTION public_counts_version_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public_counts_apply(array_agg(demo), array_agg(kind), array_agg(theme),
                                array_agg(ix), array_agg(iy), array_agg(month), array_agg(d))
    FROM (
        SELECT o.demo, o.kind, COALESCE(v.theme, v.category, '') AS theme,
               floor(ST_X(v.geom_l93) / public_cell_m())::bigint AS ix,
               floor(ST_Y(v.geom_l93) / public_cell_m())::bigint AS iy,
               public_counts_key_month(v.observed_at) AS month, count(*) AS d
        FROM new_versions v
        JOIN observations o ON o.id = v.observation_id AND o.current_version = v.version
        WHERE o.moderation = 'publiee' AND NOT v.deleted
        GROUP BY 1, 2, 3, 4, 5, 6
    ) s;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION public_counts_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM observations o
    WHERE o.id IN (SELECT observation_id FROM new_versions)
    ORDER BY o.id FOR SHARE;
    PERFORM public_counts_apply(array_agg(demo), array_agg(kind), array_agg(theme),
                                array_agg(ix), array_agg(iy), array_agg(month), array_agg(d))
    FROM (
        WITH changed AS (
            SELECT o.demo, o.kind, ov.theme AS o_theme, ov.category AS o_category,
                   ov.geom_l93 AS o_geom, ov.observed_at AS o_at, ov.deleted AS o_deleted,
                   nv.theme AS n_theme, nv.category AS n_category, nv.geom_l93 AS n_geom,
                   nv.observed_at AS n_at, nv.deleted AS n_deleted
            FROM old_versions ov
            JOIN new_versions nv
              ON nv.observation_id = ov.observation_id AND nv.version = ov.version
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
        SELECT demo, kind, theme, ix, iy, month, sum(d)::bigint AS d
        FROM deltas GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0
    ) s;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION public_counts_version_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public_counts_apply(array_agg(demo), array_agg(kind), array_agg(theme),
                                array_agg(ix), array_agg(iy), array_agg(month), array_agg(d))
    FROM (
        SELECT o.demo, o.kind, COALESCE(v.theme, v.category, '') AS theme,
               floor(ST_X(v.geom_l93) / public_cell_m())::bigint AS ix,
               floor(ST_Y(v.geom_l93) / public_cell_m())::bigint AS iy,
               public_counts_key_month(v.observed_at) AS month, -count(*) AS d
        FROM old_versions v
        JOIN observations o ON o.id = v.observation_id AND o.current_version = v.version
        WHERE o.moderation = 'publiee' AND NOT v.deleted
        GROUP BY 1, 2, 3, 4, 5, 6
    ) s;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION public_counts_observation_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public_counts_apply(array_agg(demo), array_agg(kind), array_agg(theme),
                                array_agg(ix), array_agg(iy), array_agg(month), array_agg(d))
    FROM (
        WITH changed AS (
            SELECT oo.id, oo.demo AS o_demo, oo.kind AS o_kind,
                   oo.current_version AS o_version, oo.moderation = 'publiee' AS o_pub,
                   nw.demo AS n_demo, nw.kind AS n_kind, nw.current_version AS n_version,
                   nw.moderation = 'publiee' AS n_pub
            FROM old_observations oo JOIN new_observations nw ON nw.id = oo.id
            WHERE (oo.demo, oo.kind, oo.current_version, oo.moderation = 'publiee')
                  IS DISTINCT FROM
                  (nw.demo, nw.kind, nw.current_version, nw.moderation = 'publiee')
              AND (oo.moderation = 'publiee' OR nw.moderation = 'publiee')
        ), deltas AS (
            SELECT c.o_demo AS demo, c.o_kind AS kind,
                   COALESCE(v.theme, v.category, '') AS theme,
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
        SELECT demo, kind, theme, ix, iy, month, sum(d)::bigint AS d
        FROM deltas GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0
    ) s;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION public_counts_observation_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.moderation = 'publiee' THEN
        PERFORM public_counts_apply(array_agg(demo), array_agg(kind), array_agg(theme),
                                    array_agg(ix), array_agg(iy), array_agg(month),
                                    array_agg(d))
        FROM (
            SELECT OLD.demo AS demo, OLD.kind AS kind,
                   COALESCE(v.theme, v.category, '') AS theme,
                   floor(ST_X(v.geom_l93) / public_cell_m())::bigint AS ix,
                   floor(ST_Y(v.geom_l93) / public_cell_m())::bigint AS iy,
                   public_counts_key_month(v.observed_at) AS month, -1::bigint AS d
            FROM observation_versions v
            WHERE v.observation_id = OLD.id AND v.version = OLD.current_version
              AND NOT v.deleted
        ) s;
    END IF;
    RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION public_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE public_cell_counts, public_cell_totals;
    RETURN NULL;
END $$;

-- What is there already
INSERT INTO public_cell_totals (demo, kind, theme, ix, iy, n, first_month, last_month, geometry)
SELECT demo, kind, theme, ix, iy, sum(n), min(month) FILTER (WHERE n > 0),
       max(month) FILTER (WHERE n > 0), public_cell_polygon(ix, iy)
FROM public_cell_counts
GROUP BY demo, kind, theme, ix, iy;
