"""Spatial and database foundation: CRS, geometry validation, PostGIS plumbing, migrations,
the project-local PostgreSQL cluster and the QPV boundaries.

Nothing here knows about FastAPI or the domain packages.
"""
