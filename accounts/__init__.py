"""Accounts and bearer tokens shared by every domain: staff users with roles, walk-scoped
participant tokens, and the :class:`Principal` that routes hand to services.

Depends only on ``geo``; the domain packages and ``api`` build on it.
"""
