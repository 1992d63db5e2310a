#!/usr/bin/env python3
"""Instructions per message of the Swift AMQP client beside a lean C client on the same library
(scripts/bench --instructions amqp).

Both clients do the same work (kiamo-bench amqp-client, scripts/instructions/amqp-client.c):
publish N persistent 1 KiB messages with confirms (at most 2,000 unconfirmed), consume N (prefetch
500, one multiple ack per 100). Each runs as its own process under `valgrind --tool=callgrind`,
which counts the instructions the process executes, in every thread; the count repeats for the
same binary and input, whatever else the machine does. Two runs, N1 and N2 messages, and the
difference divided by N2 - N1 leave out what does not grow with the messages (start-up,
connecting, declaring): instructions per message. The queue a consume run reads is filled by the C
client outside valgrind.

Then both clients back to back without valgrind, 100,000 messages each way: the wall-clock rates
and their ratio (these move with the machine's load; the instructions do not).

JSON lines on standard output ({"bench": "amqp", "metric", "value", "unit", "goal"}); the
callgrind profile of the Swift client's larger runs, and its 25 costliest functions, are kept in
--keep (printed on standard error).

    amqp.py --url AMQP_URL --swift KIAMO_BENCH --work DIR [--keep DIR]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

N1, N2 = 4_000, 20_000
BACK_TO_BACK = 100_000


def emit(metric, value, unit, goal=None):
    line = {"bench": "amqp", "metric": metric, "value": round(value, 3), "unit": unit}
    if goal is not None:
        line["goal"] = goal
    print(json.dumps(line, sort_keys=True), flush=True)


def run(command, what):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"instructions: {what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def callgrind(client, mode, queue, count, work, keep=None):
    """Instructions the client process executed for `mode` of `count` messages."""
    out = os.path.join(work, f"callgrind.{mode}.{uuid.uuid4().hex[:6]}.out")
    run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + client + [mode, queue, str(count)],
        f"{client[0]} {mode} {count} under callgrind")
    with open(out) as profile:
        for line in profile:
            match = re.match(r"^(?:summary|totals): (\d+)", line)
            if match:
                total = int(match.group(1))
                break
        else:
            sys.exit(f"instructions: no total in {out}")
    if keep:
        shutil.copy(out, keep)
    return total, out


def per_message(client, mode, fill, work, keep_as=None):
    counts = {}
    profile = None
    for count in (N1, N2):
        queue = f"kiamo.instructions.{uuid.uuid4().hex[:8]}"
        if mode == "consume":
            run(fill + ["publish", queue, str(count)], f"filling {queue}")
        counts[count], profile = callgrind(client, mode, queue, count, work)
        if mode == "publish":
            run(fill + ["consume", queue, str(count)], f"draining {queue}")
    if keep_as:
        shutil.copy(profile, keep_as)
    return (counts[N2] - counts[N1]) / (N2 - N1)


def rate(client, mode, queue, count):
    started = time.monotonic()
    run(client + [mode, queue, str(count)], f"{client[0]} {mode} back to back")
    return count / (time.monotonic() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--swift", required=True, help="kiamo-bench (release)")
    parser.add_argument("--work", required=True)
    parser.add_argument("--keep", default=None)
    arguments = parser.parse_args()
    os.makedirs(arguments.work, exist_ok=True)
    keep = arguments.keep or arguments.work
    os.makedirs(keep, exist_ok=True)

    # callgrind reads the Swift binary's symbols; valgrind 3.19 gives up on its DWARF 5 debug info.
    swift_binary = os.path.join(arguments.work, "kiamo-bench-stripped")
    run(["strip", "--strip-debug", "-o", swift_binary, arguments.swift], "stripping kiamo-bench")
    c_binary = os.path.join(arguments.work, "amqp-client")
    flags = run(["pkg-config", "--cflags", "--libs", "librabbitmq"], "pkg-config librabbitmq").stdout.split()
    here = os.path.dirname(os.path.abspath(__file__))
    run(["gcc", "-O2", "-Wall", "-o", c_binary, os.path.join(here, "amqp-client.c")] + flags, "compiling the C client")

    swift = [swift_binary, "amqp-client", arguments.url]
    c = [c_binary, arguments.url]
    figures = {}
    for mode in ("publish", "consume"):
        swift_profile = os.path.join(keep, f"callgrind.swift.{mode}.out")
        figures[(mode, "swift")] = per_message(swift, mode, c, arguments.work, keep_as=swift_profile)
        figures[(mode, "c")] = per_message(c, mode, c, arguments.work)
        emit(f"{mode}_instructions_per_message", figures[(mode, "swift")], "instructions/msg")
        emit(f"{mode}_c_instructions_per_message", figures[(mode, "c")], "instructions/msg")
        emit(f"{mode}_instructions_ratio_to_c", figures[(mode, "swift")] / figures[(mode, "c")], "x", goal=2)
        annotated = run(["callgrind_annotate", "--inclusive=no", swift_profile], "callgrind_annotate").stdout
        top = os.path.join(keep, f"callgrind.swift.{mode}.top.txt")
        with open(top, "w") as out:
            out.write(annotated)
        print(f"instructions: the Swift client's {mode} profile: {swift_profile} (costliest functions: {top})", file=sys.stderr)

    # Back to back, wall clock: C then Swift on fresh queues, each way.
    for mode in ("publish", "consume"):
        rates = {}
        for name, client in (("c", c), ("swift", swift)):
            queue = f"kiamo.instructions.{uuid.uuid4().hex[:8]}"
            if mode == "consume":
                run(c + ["publish", queue, str(BACK_TO_BACK)], f"filling {queue}")
                rates[name] = rate(client, "consume", queue, BACK_TO_BACK)
            else:
                rates[name] = rate(client, "publish", queue, BACK_TO_BACK)
                run(c + ["consume", queue, str(BACK_TO_BACK)], f"draining {queue}")
        emit(f"{mode}_back_to_back_rate", rates["swift"], "msg/s")
        emit(f"{mode}_back_to_back_c_rate", rates["c"], "msg/s")
        emit(f"{mode}_back_to_back_ratio_to_c", rates["swift"] / rates["c"], "x", goal=0.9)


if __name__ == "__main__":
    main()
