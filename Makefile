# The README's commands, and the benchmarks.
.PHONY: run test test-chaos bench

run:
	scripts/run

test:
	scripts/test

# The randomized fault-injection suite on many seeds (KIAMO_CHAOS_RUNS, default 20);
# KIAMO_CHAOS_SEED=N replays one.
test-chaos:
	scripts/test-chaos

bench:
	scripts/bench
