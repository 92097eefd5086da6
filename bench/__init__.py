"""Benchmarks of the platform's spine, each against a raw baseline measured in the same run.

``python -m bench`` (``make bench``): relay throughput, projection ingest throughput and
end-to-end latency. See docs/performance.md for the latest figures.
"""
