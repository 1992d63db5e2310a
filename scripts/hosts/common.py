"""What scripts/test-hosts' Python parts share (traffic.py, the faults and the verdict; bench.py,
the same deployment measured without faults): the configuration test-hosts wrote, the emulator's
control API, the hosts' processes (workers on worker-1..3, the PHP agent loop on host agent), the
ingest leases per host, the broker nodes and what the agent and X saw.

Imported with the configuration's path as the first argument (sys.argv[1]), as both scripts run.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

config = json.load(open(sys.argv[1]))
state_dir = config["state"]
logs = os.path.join(state_dir, "logs")
os.makedirs(logs, exist_ok=True)
started_at = time.monotonic()


def log(message):
    print(f"test-hosts: [{time.monotonic() - started_at:6.1f} s] {message}", file=sys.stderr, flush=True)


class Failed(Exception):
    pass


def x_control(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(config["x_control"] + "/_emulator" + path, method=method, data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        raise Failed(f"the emulator's {method} {path} answered {error.code}: {error.read().decode(errors='replace')[:300]}")


def on(host, argv, **kwargs):
    return subprocess.run(["ip", "netns", "exec", f"kt-{host}"] + argv, **kwargs)


def psql(sql):
    out = subprocess.run([config["root"] + "/scripts/test-postgres", "psql", config["postgres_dir"], "-At", "-d", "kiamo_test", "-c", sql],
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise Failed(f"psql failed: {out.stderr.strip()}")
    return [line.split("|") for line in out.stdout.splitlines() if line]


# --- processes --------------------------------------------------------------------------------

class Process:
    """A worker or the agent on one host: `ip netns exec` execs it, so the pid is the program's."""

    def __init__(self, host, name, argv, env, ready):
        self.host, self.name = host, name
        self.argv, self.env, self.ready = argv, env, ready
        self.popen = None
        self.incarnation = 0

    def start(self, timeout=60):
        self.incarnation += 1
        self.log_path = os.path.join(logs, f"{self.name}-{self.incarnation}.log")
        out = open(self.log_path, "w")
        environment = {"PATH": os.environ["PATH"], "HOME": state_dir, "LANG": "C.UTF-8"}
        environment.update(self.env)
        self.popen = subprocess.Popen(["ip", "netns", "exec", f"kt-{self.host}"] + self.argv, env=environment,
                                      stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=config["root"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready in open(self.log_path, errors="replace").read():
                return self
            if self.popen.poll() is not None:
                break
            time.sleep(0.2)
        raise Failed(f"{self.name} on {self.host} did not start (log {self.log_path}):\n" + open(self.log_path, errors="replace").read()[-3000:])

    def kill(self):
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()

    def stop(self, grace=20):
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def pid(self):
        return self.popen.pid if self.popen else None


workers = config["workers"]
processes = {}
for host in workers:
    for role in ("ingest", "dispatch"):
        env = dict(config["worker_env"])
        env["KIAMO_TWITTER_AMQP_URL"] = config["amqp_url"][role]
        env["KIAMO_TWITTER_SERVICE"] = f"{host}-{role}"
        if role == "dispatch":
            # each post and settlement, for a finding's story (the benchmark keeps info)
            env["KIAMO_TWITTER_LOG_LEVEL"] = config.get("dispatch_log_level", "debug")
        if config.get("skewed") and host == config["skewed"]["host"]:
            # (f) this host's wall clock runs ahead for the whole run.
            env["LD_PRELOAD"] = config["skewed"]["library"]
            env["KIAMO_CLOCK_SKEW_S"] = str(config["skewed"]["seconds"])
        processes[(host, role)] = Process(host, f"{host}-{role}", [os.path.join(config["products"], f"kiamo-twitter-{role}")], env,
                                          f"{role} started")

agent_env = {
    "KIAMO_TWITTER_AMQP_URL": config["amqp_url"]["kiamo"],
    "KIAMO_TWITTER_USER_ID": config["accounts"][0],
    "KIAMO_TWITTER_USER_IDS": ",".join(config["accounts"][1:]),
    "KIAMO_TWITTER_ACK_MODE": "nextFetch",
    "KIAMO_TWITTER_FETCH_BATCH_SIZE": "50",
    "KIAMO_TWITTER_AMQP_CONNECTION_TIMEOUT": "2",
    "KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT": "5",
    "KIAMO_TWITTER_AMQP_CONFIRM_TIMEOUT": "5",
    "KIAMO_TWITTER_LOG_LEVEL": "WARNING",
    "KIAMO_TWITTER_LOG_PATH": os.path.join(state_dir, "agent-logs"),
    "E2E_AGENT_STATE": os.path.join(state_dir, "agent-state.json"),
    "E2E_AGENT_ACCOUNT_OF": os.path.join(state_dir, "account-of.json"),
    "E2E_AGENT_THINK_MS": "50",
    "E2E_AGENT_IDLE_MS": "100",
}
agent = Process("agent", "agent", ["php", "Tests/EndToEndTests/agent.php"], agent_env, '"event":"started"')


def leases_by_host():
    """How many ingest leases each worker host holds now (by the pids of its processes)."""
    pid_host = {str(p.pid): host for (host, role), p in processes.items() if p.pid}
    now_ms = int(time.time() * 1000)
    held = {host: 0 for host in workers}
    held["free"] = 0
    held["other"] = 0
    rows = psql("SELECT account, owner, expires_at FROM leases WHERE name = 'ingest'")
    seen = set()
    for account, owner, expires in rows:
        seen.add(account)
        if int(expires) <= now_ms:
            held["free"] += 1
            continue
        parts = owner.split(":")
        host = pid_host.get(parts[1] if len(parts) > 2 else "")
        held[host or "other"] += 1
    held["free"] += len(set(config["accounts"]) - seen)
    return held


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.5)
    raise Failed(f"{what}: not within {timeout} s")


def broker_ctl(host, *args):
    node = config["brokers"][host]
    env = ["env"] + [f"{key}={value}" for key, value in node["env"].items()]
    return on(host, env + [node["ctl"], "-n", f"rabbit@{host}", "-q"] + list(args), capture_output=True, text=True, timeout=120)


def agent_state():
    try:
        return json.load(open(agent_env["E2E_AGENT_STATE"]))
    except (OSError, ValueError):
        return {"received": [], "replies": [], "pending": [], "uncertain": []}


def posted():
    sent = []
    for account in config["accounts"]:
        sent += x_control("GET", f"/sent?account={account}")["sent"]
    return sent


customers = {}        # customer id -> account id


def make_customers():
    for index, account in enumerate(config["accounts"]):
        user = x_control("POST", "/users", {"name": f"Customer {index}", "username": f"hc_{index}"})
        customers[str(user["id"])] = account
    path = agent_env["E2E_AGENT_ACCOUNT_OF"]
    with open(path, "w") as out:
        json.dump(customers, out)
