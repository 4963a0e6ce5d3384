"""Reproducible benchmarks; results are recorded in docs/benchmarks.md."""
