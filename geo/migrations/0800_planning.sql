-- Planning (issue 9): dashboards, hotspots, reports. No table of its own: everything is read from
-- the surveys, actors and exhibitions tables. Two expression indexes make the metric searches of
-- the dashboards use an index in EPSG:2154 (never KNN in degrees, FACTS.md):
-- the nearest actor of each ground from a QPV, and the stops walked again near a night stop.
CREATE INDEX IF NOT EXISTS actor_geom_l93_idx ON actor USING gist (ST_Transform(geom, 2154));
CREATE INDEX IF NOT EXISTS walk_stops_geom_l93_idx ON walk_stops USING gist (ST_Transform(geom, 2154));
