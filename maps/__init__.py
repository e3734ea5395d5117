"""Folium map builders. Pure: maps are built from data handed in (GeoJSON dicts, records,
GeoDataFrames); no database, no HTTP, no file I/O. Every script and stylesheet a map loads is
rewritten to the copies the app serves itself (see :mod:`maps.assets`)."""
