"""Frontdesk's benchmark suite (``make bench``): a raw relay, Frontdesk on SQLite, on
PostgreSQL + Redis, and on two nodes, measured in one run by a load generator that runs
in its own processes. docs/benchmarks.md explains the figures."""
