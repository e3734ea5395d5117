"""Planning: per-QPV equality dashboards, hotspots of low feeling of safety, walk reports and
the data planners take into QGIS and uMap. Reads the surveys, actors and exhibitions domains."""
