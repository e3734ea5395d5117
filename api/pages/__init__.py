"""HTML pages (French): the home page and the maps."""
