"""Every SQL statement of the planning domain (``conn`` first, never commits)."""
