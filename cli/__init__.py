"""The ``cartegalite`` command line (typer)."""
