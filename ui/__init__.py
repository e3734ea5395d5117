"""Presentation: the project's one template environment and its templates. It imports nothing
of the project, so every layer that shows something (``maps`` for the fragments inside a map,
``app`` and ``api`` for pages) renders through the same environment and macros."""
