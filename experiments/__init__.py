"""datarovers experiments: command line, single runs, sweeps, summaries and validation."""
