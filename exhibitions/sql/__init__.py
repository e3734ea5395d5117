"""SQL text of the exhibitions domain, loaded with importlib.resources."""
