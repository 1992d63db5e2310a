# The README's commands, the benchmarks, and the image's build stage as Docker runs it (release).
.PHONY: run test test-chaos test-hosts bench check-docker

run:
	scripts/run

test:
	scripts/test

# The randomized fault-injection suite on many seeds (KIAMO_CHAOS_RUNS, default 20);
# KIAMO_CHAOS_SEED=N replays one.
test-chaos:
	scripts/test-chaos

# Several hosts as network namespaces (root): the compose broker cluster, booted and faulted.
test-hosts:
	scripts/setup
	scripts/test-hosts

bench:
	scripts/bench

check-docker:
	scripts/setup
	python3 scripts/check-compose --build --configuration release --broker
