"""The evaluation harness: benchmarks and the command-line tools that write benchmarks/results/."""
