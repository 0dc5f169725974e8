"""The build benchmark: `make bench` (`python -m tests.bench.run`); see run.py."""
