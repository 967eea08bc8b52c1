"""Speed benchmarks of the book and of nnlib (``make bench``; see bench/README.md and bench/RESULTS.md)."""
