"""Every SQL statement of the directory. Functions take ``conn`` first, never commit, and
translate driver errors into :mod:`geo.errors` at this boundary.

- :mod:`actors.repo.records`: read one actor, insert, update, audit events;
- :mod:`actors.repo.search`: nearest (KNN on ``geography``), list with filters, exports;
- :mod:`actors.repo.review`: import runs, likely duplicates, communes and quartiers.
"""
