#!/usr/bin/env python3
"""`scripts/bench hosts` (issue 14, item 4): the deployment of scripts/test-hosts without faults,
measured. scripts/test-hosts (KIAMO_HOSTS_BENCH=1, release products) builds the hosts, the broker
cluster, PostgreSQL and the emulator serving KIAMO_HOSTS_ACCOUNTS accounts (200), and runs this.

Four phases, each on the same running deployment (3 worker hosts, ingest and dispatch on each):
  idle     no DM for 30 s: what polling costs (X reads, CPU, database transactions per second);
  steady   customers write KIAMO_BENCH_HOSTS_RATE DMs a second (10) for 60 s and the PHP agent
           (the connector's fetch()/send() loop) answers each: latency DM → Kiamo, reply → X,
           and the round trip, with the CPU, database transactions and X calls per DM;
  ingest   the agent stopped, KIAMO_BENCH_HOSTS_BACKLOG DMs (50) waiting at every account at once:
           Kiamo messages published and confirmed per second across the three ingest processes;
  dispatch the dispatch processes stopped, 30 send commands per account queued, then started:
           DMs posted per second across the three (from the first post to the last, X's times).
CPU is each component's own (utime + stime of its processes, from /proc): the workers per role,
the three RabbitMQ nodes, PostgreSQL, the emulator standing in for X, the PHP agent. All of them
share this machine's cores, so throughput here is the machine's, and CPU per DM is the figure
that carries to other machines (README, "Capacity").

Standard output: one JSON line per figure, {"bench": "hosts", "metric", "value", "unit", "goal"}
(goal null: these figures feed the capacity arithmetic, they have no target of their own).
Progress and a summary on standard error. Exits 1 when a phase does not complete.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

import pika

from common import (Failed, agent, agent_env, config, customers, leases_by_host, log, make_customers, posted, processes,
                    psql, wait_for, workers, x_control)

ticks = os.sysconf("SC_CLK_TCK")
results = []


def figure(metric, value, unit):
    line = {"bench": "hosts", "metric": metric, "value": round(value, 3) if isinstance(value, float) else value, "unit": unit, "goal": None}
    results.append(line)
    print(json.dumps(line), flush=True)


def process_cpu(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)
    except (OSError, IndexError, ValueError):
        return 0.0


def host_pids(host):
    out = subprocess.run(["ip", "netns", "pids", f"kt-{host}"], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def cpu():
    """CPU seconds used so far by each component."""
    used = {role: sum(process_cpu(processes[(host, role)].pid) for host in workers) for role in ("ingest", "dispatch")}
    used["rabbitmq"] = sum(process_cpu(pid) for host in config["brokers"] for pid in host_pids(host))
    used["postgres"] = sum(process_cpu(pid) for pid in host_pids("postgres"))
    used["x"] = sum(process_cpu(pid) for pid in host_pids("x"))
    used["agent"] = sum(process_cpu(pid) for pid in host_pids("agent"))
    return used


def commits():
    return int(psql("SELECT xact_commit FROM pg_stat_database WHERE datname = 'kiamo_test'")[0][0])


def table_activity():
    """Per table of the state store: rows written (inserted, updated, deleted) and index or table
    scans so far, from PostgreSQL's statistics (flushed within a second of each transaction)."""
    rows = psql("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del, seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables")
    return {name: (int(writes), int(scans)) for name, writes, scans in rows}


def x_calls():
    """X API calls the emulator answered so far: DM reads, DM posts, all (its control API aside)."""
    requests = x_control("GET", "/stats")["requests"]
    total = lambda route: sum(requests[route].values())  # noqa: E731
    reads = sum(total(route) for route in requests if route.startswith("GET /2/dm_events"))
    posts = sum(total(route) for route in requests if route.startswith("POST /2/dm_conversations"))
    every = sum(total(route) for route in requests if not route.startswith(("GET /_emulator", "POST /_emulator")) and route != "unmatched")
    return {"reads": reads, "posts": posts, "all": every}


class Meter:
    """CPU, database commits and X calls between start and stop."""

    def __init__(self):
        self.cpu, self.commits, self.calls, self.at = cpu(), commits(), x_calls(), time.monotonic()
        self.tables = table_activity()

    def stop(self):
        time.sleep(1.5)  # PostgreSQL publishes a backend's table counts within a second
        cpu_now, commits_now, calls_now, tables_now = cpu(), commits(), x_calls(), table_activity()
        self.seconds = time.monotonic() - self.at
        self.cpu = {key: cpu_now[key] - value for key, value in self.cpu.items()}
        self.commits = commits_now - self.commits
        self.calls = {key: calls_now[key] - value for key, value in self.calls.items()}
        self.tables = {name: (writes - self.tables.get(name, (0, 0))[0], scans - self.tables.get(name, (0, 0))[1])
                       for name, (writes, scans) in tables_now.items()}
        return self

    def tables_per(self, count, phase, what):
        """Where the database's work goes: rows written and scans per `what`, busiest tables first."""
        busiest = sorted(self.tables.items(), key=lambda item: -(item[1][0] + item[1][1]))
        parts = [f"{name} {writes / count:.2f} written, {scans / count:.2f} scans" for name, (writes, scans) in busiest
                 if (writes + scans) / count >= 0.05]
        log(f"{phase}: per {what}, {'; '.join(parts) or 'nothing'}")
        for name, (writes, scans) in busiest:
            if (writes + scans) / count >= 0.05:
                figure(f"{phase}_postgres_{name}_rows_written_per_{what}", writes / count, "rows")
                figure(f"{phase}_postgres_{name}_scans_per_{what}", scans / count, "scans")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def agent_events(name):
    events = []
    for incarnation in range(1, agent.incarnation + 1):
        path = os.path.join(config["state"], "logs", f"agent-{incarnation}.log")
        for line in open(path, errors="replace"):
            if line.startswith("{"):
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("event") == name:
                    events.append(event)
    return events


def broker():
    admin = config["amqp_admin"]
    return pika.BlockingConnection(pika.ConnectionParameters(admin["host"], 5672, "/", pika.PlainCredentials(admin["user"], admin["password"])))


def queue_depth(channel, queue):
    return channel.queue_declare(config["exchange"] + queue, passive=True).method.message_count


# --- the phases ---------------------------------------------------------------------------------

def idle(seconds=30):
    log(f"idle: {seconds} s without a DM")
    meter = Meter()
    time.sleep(seconds)  # the phase's length: what is measured is what happens meanwhile
    meter.stop()
    accounts = len(config["accounts"])
    figure("idle_x_reads_per_second", meter.calls["reads"] / meter.seconds, "reads/s")
    figure("idle_x_reads_per_account_per_hour", meter.calls["reads"] / meter.seconds / accounts * 3600, "reads/h")
    for component, used in meter.cpu.items():
        figure(f"idle_cpu_{component}", used / meter.seconds * 100, "% of a core")
    figure("idle_ingest_cpu_per_poll", meter.cpu["ingest"] / max(1, meter.calls["reads"]) * 1000, "ms")
    figure("idle_postgres_transactions_per_second", meter.commits / meter.seconds, "transactions/s")
    figure("idle_postgres_transactions_per_poll", meter.commits / max(1, meter.calls["reads"]), "transactions")
    meter.tables_per(max(1, meter.calls["reads"]), "idle", "poll")
    return meter


def steady(rate, seconds=60):
    log(f"steady: {rate} DMs/s for {seconds} s, the agent answering each")
    ids = list(customers)
    written = {}  # dm id -> written at (wall clock)
    meter = Meter()
    began = time.monotonic()
    number = 0
    while time.monotonic() - began < seconds:
        customer = ids[number % len(ids)]
        number += 1
        answer = x_control("POST", "/dms", {"from": customer, "to": customers[customer], "text": f"bench DM {number} from {customer}"})
        written[str(answer["id"])] = time.time()
        time.sleep(max(0.0, began + number / rate - time.monotonic()))

    def answered():
        replied = {event["message"] for event in agent_events("replied")}
        return all(dm in replied for dm in written) and x_control("GET", "/stats")["dmsSent"] >= len(written)
    wait_for("every DM of the steady phase answered and posted", answered, 120)
    meter.stop()
    fetched = {event["id"]: event["at"] for event in agent_events("fetched")}
    replied = {event["message"]: event for event in agent_events("replied")}
    sent_at = {}
    for entry in posted():
        sent_at[entry["text"]] = parse_time(entry["createdAt"])
    text_of = {reply["message"]: reply["text"] for reply in json.load(open(agent_env["E2E_AGENT_STATE"]))["replies"]}
    to_kiamo = [fetched[dm] - at for dm, at in written.items() if dm in fetched]
    to_x = [sent_at[text_of[dm]] - replied[dm]["at"] for dm in written if dm in replied and text_of.get(dm) in sent_at]
    trips = [sent_at[text_of[dm]] - at for dm, at in written.items() if text_of.get(dm) in sent_at]
    if len(to_kiamo) != len(written) or len(trips) != len(written):
        raise Failed(f"steady: {len(written)} DMs written, {len(to_kiamo)} reached the agent, {len(trips)} answered on X")
    dms = len(written)
    figure("steady_dms", dms, "DMs")
    for name, values in (("dm_to_kiamo", to_kiamo), ("reply_to_x", to_x), ("round_trip", trips)):
        figure(f"steady_{name}_p50", statistics.median(values) * 1000, "ms")
        figure(f"steady_{name}_p99", percentile(values, 0.99) * 1000, "ms")
    # At this rate polling still costs most: the CPU as a whole here; per DM, the drains below.
    for component, used in meter.cpu.items():
        figure(f"steady_cpu_{component}", used / meter.seconds * 100, "% of a core")
    figure("steady_postgres_transactions_per_second", meter.commits / meter.seconds, "transactions/s")
    figure("steady_x_posts_per_dm", meter.calls["posts"] / dms, "posts")


def ingest_drain(per_account):
    agent.stop()
    connection = broker()
    channel = connection.channel()
    channel.queue_purge(config["exchange"] + ".inbound")
    total = per_account * len(config["accounts"])
    log(f"ingest: {per_account} DMs waiting at each of {len(config['accounts'])} accounts ({total}), the agent stopped")
    meter = Meter()
    began = time.monotonic()
    written = []

    def write():
        # The backlog, account after account, while the queue is watched (ingest publishes the
        # first accounts' DMs while the last are written).
        for account in config["accounts"]:
            x_control("POST", "/dms/bulk", {"count": per_account, "senders": 5, "to": account})
        written.append(time.monotonic())
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    first = None
    deadline = began + 300
    while True:
        depth = queue_depth(channel, ".inbound")
        if depth and first is None:
            first = time.monotonic()
        if depth >= total:
            break
        if time.monotonic() > deadline:
            raise Failed(f"ingest: {depth} of {total} Kiamo messages published within 300 s")
        time.sleep(0.1)
    done = time.monotonic()
    writer.join()
    meter.stop()
    channel.queue_purge(config["exchange"] + ".inbound")
    connection.close()
    log(f"ingest: the DMs written in {written[0] - began:.1f} s; first Kiamo message after {first - began:.1f} s, all {total} after {done - began:.1f} s")
    figure("ingest_backlog_dms", total, "DMs")
    figure("ingest_drain_per_second", total / (done - began), "msg/s")
    figure("ingest_drain_seconds", done - began, "s")
    figure("ingest_drain_per_second_after_the_first", total / (done - first), "msg/s")
    for component, used in meter.cpu.items():
        figure(f"ingest_cpu_{component}_per_dm", used / total * 1000, "ms")
    figure("ingest_postgres_transactions_per_dm", meter.commits / total, "transactions")
    meter.tables_per(total, "ingest", "dm")
    figure("ingest_x_reads_per_dm", meter.calls["reads"] / total, "reads")


def dispatch_drain(per_account):
    for host in workers:
        processes[(host, "dispatch")].stop()
    account_customer = {account: customer for customer, account in customers.items()}
    total = per_account * len(config["accounts"])
    log(f"dispatch: {total} send commands queued ({per_account} per account), the dispatch processes stopped")
    connection = broker()
    channel = connection.channel()
    channel.queue_purge(config["exchange"] + ".send")
    for number in range(per_account):
        for account in config["accounts"]:
            command = f"bench-{account}-{number}"
            body = {"id": command, "to": {"id": account_customer[account], "name": "Customer"}, "content": f"bench reply {number}",
                    "accountId": account}
            channel.basic_publish(config["exchange"], f"send.{account}", json.dumps(body).encode(),
                                  pika.BasicProperties(delivery_mode=2, content_type="application/json", message_id=command))
    # Not confirmed one by one (pika waits for each confirm, minutes for thousands): counted instead.
    wait_for(f"the {total} commands queued", lambda: queue_depth(channel, ".send") >= total, 120)
    connection.close()
    before = x_control("GET", "/stats")["dmsSent"]
    meter = Meter()
    began = time.monotonic()
    for host in workers:
        processes[(host, "dispatch")].start()
    started = time.monotonic()
    wait_for(f"the {total} commands posted", lambda: x_control("GET", "/stats")["dmsSent"] - before >= total, 300)
    meter.stop()
    times = sorted(parse_time(entry["createdAt"]) for entry in posted() if entry["text"].startswith("bench reply "))
    if len(times) != total:
        raise Failed(f"dispatch: {len(times)} bench replies on X for {total} commands")
    span = times[-1] - times[0]
    log(f"dispatch: processes started in {started - began:.1f} s; {total} DMs posted in {span:.1f} s from the first to the last")
    figure("dispatch_commands", total, "commands")
    figure("dispatch_posted_per_second", total / span, "DMs/s")
    for component, used in meter.cpu.items():
        figure(f"dispatch_cpu_{component}_per_dm", used / total * 1000, "ms")
    figure("dispatch_postgres_transactions_per_dm", meter.commits / total, "transactions")
    meter.tables_per(total, "dispatch", "dm")


def parse_time(value):
    if isinstance(value, (int, float)):
        return value / 1000.0
    from datetime import datetime
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def main():
    try:
        for process in processes.values():
            process.start()
        make_customers()
        agent.start()
        wait_for("every account's ingest lease held", lambda: leases_by_host()["free"] == 0 and leases_by_host()["other"] == 0, 120)
        # And the shares settled (a process that came first took more, and gives the excess back
        # once per renewal period): the phases measure the deployment as it runs, not its start.
        share = -(-len(config["accounts"]) // len(workers))

        def settled():
            held = leases_by_host()
            return held["free"] == 0 and held["other"] == 0 and all(held[host] <= share for host in workers)
        wait_for(f"every host holding at most its share ({share})", settled, 120)
        leases = leases_by_host()
        log(f"{len(config['accounts'])} accounts on {', '.join(workers)}; leases per host {leases}")
        figure("accounts", len(config["accounts"]), "accounts")
        figure("worker_hosts", len(workers), "hosts")
        figure("poll_interval", float(config["worker_env"]["KIAMO_TWITTER_POLL_INTERVAL"].rstrip("s")), "s")
        idle()
        steady(float(os.environ.get("KIAMO_BENCH_HOSTS_RATE", "10")))
        ingest_drain(int(os.environ.get("KIAMO_BENCH_HOSTS_BACKLOG", "50")))
        dispatch_drain(30)
    finally:
        agent.stop()
        for process in processes.values():
            process.stop()
    crashed = [p.name for p in processes.values() if p.popen.returncode not in (0, None, -15)]
    if crashed:
        raise Failed(f"process(es) did not stop cleanly: {crashed}")


if __name__ == "__main__":
    try:
        main()
    except Failed as failure:
        log(f"FAILED: {failure}")
        sys.exit(1)
    log("bench: done")
