"""Benchmarks that need more than one component (the HTTP server and its store)."""
