"""The benchmark behind `make bench` (see docs/performance.md); `make serve` runs bench/serve.sh."""
