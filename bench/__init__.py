"""Benchmarks (not tests): seed a separate benchmark database, run the service as deployed under
a real load generator (wrk) next to a reference measured in the same run, print ratios."""
