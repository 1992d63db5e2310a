# The README's two commands, the benchmarks, and the image's build stage as Docker runs it (release).
.PHONY: run test bench check-docker

run:
	scripts/run

test:
	scripts/test

bench:
	scripts/bench

check-docker:
	scripts/setup
	python3 scripts/check-compose --build --configuration release --broker
