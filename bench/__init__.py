"""Recruit's benchmarks: `make bench` (bench/run.py) and the in-process bench/quick.py."""
