"""`make soak`: two API processes on one PostgreSQL under a steady mixed load, then the books.

Process A serves reads (wrk, SOAK_CONNECTIONS connections: the reseller's and the client's
candidate lists, search, a project's results, /me); process B serves invites (this script's
threads, SOAK_CONNECTIONS of them, every POST /candidates with its own Idempotency-Key), each at
half the capacity measured first (SOAK_PROBE_SECONDS per kind). Mail goes to a real SMTP catcher
(e2e/mailcatcher.py). With --kill (SOAK_KILL=1) process B is killed with SIGKILL halfway and
started again; the invite threads retry what got no answer with the same key.

Passes when: no request failed (retries with the same key after the kill are not failures), every
acknowledged invite replays with the same candidate and invitation and nothing new, each soak
candidate exists once with one invitation and got exactly one mail, every client's balance is the
sum of its ledger, there is one charge per invitation, and each surviving process's RSS at the end
is within 10 % of its value after warm-up. Prints a verdict; exits 1 on any failure.

Environment: SOAK_SECONDS (600), SOAK_KILL (0), SOAK_CONNECTIONS (4), SOAK_PROBE_SECONDS (10),
SOAK_CANDIDATES (10000 seeded first), SOAK_DB (credence_soak, dropped before and after),
SOAK_DRAIN_SECONDS (how long mail may take to drain at the end: 120, plus the 300 s claim of a
killed process with SOAK_KILL=1), BENCH_BIN, BENCH_PG.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PG = os.environ.get("BENCH_PG") or os.environ.get("TEST_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432"
BIN = os.environ.get("BENCH_BIN") or os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "credence")
DB = os.environ.get("SOAK_DB") or "credence_soak"
SECONDS = int(os.environ.get("SOAK_SECONDS") or "600")
KILL = (os.environ.get("SOAK_KILL") or "0") not in ("0", "false", "no")
CONNS = int(os.environ.get("SOAK_CONNECTIONS") or "4")
PROBE = int(os.environ.get("SOAK_PROBE_SECONDS") or "10")
CANDIDATES = int(os.environ.get("SOAK_CANDIDATES") or "10000")
# A mail claimed by a killed process stays claimed for jobs::mail's CLAIM_SECONDS (300).
DRAIN = int(os.environ.get("SOAK_DRAIN_SECONDS") or str(120 + (330 if KILL else 0)))
SEGMENT = 600  # wrk runs at most this long on one token (tokens last 15 minutes)
RESELLER = ("reseller@credence.local", "credence-reseller-demo")
CLIENT = ("client@credence.local", "credence-client-demo")


def log(msg):
    print(f"soak: {msg}", file=sys.stderr, flush=True)


def psql(sql, db=DB):
    out = subprocess.run(["psql", f"{PG}/{db}", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(port, method, path, token=None, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = conn.getresponse()
        return r.status, r.read(), r.getheaders()
    finally:
        conn.close()


def login(port, who):
    status, body, _ = request(port, "POST", "/api/v1/auth/login", body={"email": who[0], "password": who[1]})
    if status != 200:
        raise RuntimeError(f"login {who[0]}: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


class Server:
    """One `credence serve` on its own port; the log keeps every start."""

    def __init__(self, name, port, env, logdir):
        self.name, self.port, self.env = name, port, env
        self.log = open(os.path.join(logdir, f"server-{name}.log"), "ab")
        self.proc = None

    def start(self):
        env = {**os.environ, **self.env, "CREDENCE_BIND": f"127.0.0.1:{self.port}",
               "CREDENCE_PUBLIC_URL": f"http://127.0.0.1:{self.port}"}
        self.proc = subprocess.Popen([BIN, "serve"], env=env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if request(self.port, "GET", "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"server {self.name} did not start (see {self.log.name})")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wrk(url, seconds, env, script):
    """One wrk run; its JSON summary."""
    cmd = ["wrk", f"-t{min(2, CONNS)}", f"-c{CONNS}", f"-d{seconds}s", "--timeout", "10s", "-s", os.path.join(HERE, "wrk", script), url]
    out = subprocess.run(cmd, env={**os.environ, **env, "BENCH_DIR": HERE}, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON "):])
    raise RuntimeError(f"wrk gave no summary: {out.stdout} {out.stderr}")


class Invites:
    """SOAK_CONNECTIONS threads inviting new candidates at a fixed total rate, each request with
    its own Idempotency-Key, retried with the same key until it gets an answer."""

    def __init__(self, port, project, rate, run):
        self.port, self.project, self.rate, self.run = port, project, rate, run
        self.token = login(port, CLIENT)
        self.token_lock = threading.Lock()
        self.acked = {}  # key -> (body, status, candidate id, invitation id)
        self.failures = []  # (key, status, body) answered with anything but 201
        self.retries = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.worker, args=(t,), daemon=True) for t in range(CONNS)]

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()

    def relogin(self, stale):
        with self.token_lock:
            if self.token == stale:
                self.token = login(self.port, CLIENT)

    def send(self, key, body):
        """The answer to one invite; a request that got no answer (the process died) is sent
        again with the same key."""
        while True:
            token = self.token
            try:
                status, raw, _ = request(self.port, "POST", "/api/v1/candidates", token, body,
                                         {"Idempotency-Key": key}, timeout=30)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.retries += 1
                time.sleep(0.2)
                continue
            if status == 401:
                self.relogin(token)
                continue
            return status, raw

    def worker(self, t):
        period = CONNS / self.rate
        due = time.monotonic()
        n = 0
        while not self.stop.is_set():
            n += 1
            key = f"soak-{self.run}-{t}-{n}"
            body = {"project_id": self.project, "first_name": "Soak", "last_name": f"T{t} N{n}",
                    "email": f"soak.{self.run}.{t}.{n}@bench.example"}
            status, raw = self.send(key, body)
            with self.lock:
                if status == 201:
                    c = json.loads(raw)
                    self.acked[key] = (body, c["id"], c["invitations"][0]["id"])
                else:
                    self.failures.append((key, status, raw[:300]))
            due += period
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                due = time.monotonic()


def check_books(invites, mail_dir, run):
    """The failures found in the database, the replays and the mail; [] when all is well."""
    bad = []
    off = psql("SELECT count(*) FROM clients c WHERE c.credit_balance <> "
               "(SELECT coalesce(sum(l.delta), 0) FROM ledger_entries l WHERE l.client_id = c.id)")
    if off != "0":
        bad.append(f"{off} client(s) whose balance is not the sum of their ledger")
    counts = psql("SELECT (SELECT count(*) FROM invitations WHERE credits_charged > 0) || ' ' || "
                  "(SELECT count(*) FROM ledger_entries WHERE kind = 'invite_charge')")
    n_inv, n_charge = counts.split()
    if n_inv != n_charge:
        bad.append(f"{n_inv} charged invitations but {n_charge} charges")
    unmatched = psql("SELECT count(*) FROM invitations i WHERE i.credits_charged > 0 AND "
                     "(SELECT count(*) FROM ledger_entries l WHERE l.kind = 'invite_charge' "
                     "AND l.reference = i.id) <> 1")
    if unmatched != "0":
        bad.append(f"{unmatched} invitation(s) without exactly one charge")
    rows = psql("SELECT c.email, count(DISTINCT c.id), count(i.id), min(c.id), min(i.id) FROM candidates c "
                f"LEFT JOIN invitations i ON i.candidate_id = c.id WHERE c.email LIKE 'soak.{run}.%' GROUP BY c.email")
    stored = {}
    for line in rows.splitlines():
        email, nc, ni, cid, iid = line.split("|")
        stored[email] = (int(nc), int(ni), cid, iid)
    acked_emails = {body["email"]: (cid, iid) for body, cid, iid in invites.acked.values()}
    lost = [e for e in acked_emails if e not in stored]
    if lost:
        bad.append(f"{len(lost)} acknowledged invite(s) missing from the database, e.g. {lost[0]}")
    doubled = [e for e, (nc, ni, _, _) in stored.items() if nc != 1 or ni != 1]
    if doubled:
        bad.append(f"{len(doubled)} soak candidate(s) without exactly one candidate and one invitation")
    unacked = [e for e in stored if e not in acked_emails]
    if unacked:
        bad.append(f"{len(unacked)} soak candidate(s) nobody was told about, e.g. {unacked[0]}")
    mismatched = [e for e, (cid, iid) in acked_emails.items() if e in stored and stored[e][2:] != (cid, iid)]
    if mismatched:
        bad.append(f"{len(mismatched)} acknowledged id(s) differ from the stored ones")
    # Mail: one message per soak invitation, to its candidate. A message is its Message-ID: a
    # process killed between the SMTP server's acceptance and marking the mail sent leaves it
    # claimed, and another process delivers it again later with the same Message-ID, which
    # receivers drop as the duplicate it is. Two different Message-IDs would be two mails.
    per_address, deliveries, dates = {}, {}, {}
    no_id = []
    for name in os.listdir(mail_dir):
        if name.startswith("."):
            continue
        with open(os.path.join(mail_dir, name), "rb") as f:
            head = f.read(4096).decode("utf-8", "replace").splitlines()
        date = next((line[5:].strip() for line in head if line.startswith("Date:")), "?")
        message_id = next((line.split(":", 1)[1].strip() for line in head
                           if line.lower().startswith("message-id:")), None)
        if message_id is None:
            no_id.append(name)
        for address in head[0].removeprefix("X-Envelope-To:").strip().split(", "):
            per_address.setdefault(address, set()).add(message_id or name)
            deliveries[address] = deliveries.get(address, 0) + 1
            dates.setdefault(address, []).append(date)
    count = lambda e: len(per_address.get(e, ()))
    no_mail = [e for e in stored if count(e) == 0]
    twice = [e for e in stored if count(e) > 1]
    redelivered = [e for e in stored if deliveries.get(e, 0) > count(e)]
    if no_id:
        bad.append(f"{len(no_id)} mail(s) without a Message-ID, e.g. {no_id[0]}")
    if no_mail:
        bad.append(f"{len(no_mail)} soak invitation(s) got no mail, e.g. {no_mail[0]}")
    if twice:
        bad.append(f"{len(twice)} soak invitation(s) got more than one mail, e.g. {twice[0]} "
                   f"(sent {' and '.join(sorted(dates[twice[0]]))})")
    if redelivered:
        log(f"mail: {len(redelivered)} message(s) delivered again with the same Message-ID after the kill "
            f"(e.g. {redelivered[0]}, sent {' and '.join(sorted(dates[redelivered[0]]))}): one mail each to the reader")
    return bad, len(stored), sum(count(e) for e in stored)


def replay_all(invites):
    """Every acknowledged invite again with its key: the same answer, nothing new."""
    bad = []
    token = login(invites.port, CLIENT)
    for key, (body, cid, iid) in invites.acked.items():
        status, raw, headers = request(invites.port, "POST", "/api/v1/candidates", token, body,
                                       {"Idempotency-Key": key})
        if status != 201:
            bad.append(f"replay of {key}: {status}")
            continue
        c = json.loads(raw)
        if (c["id"], c["invitations"][0]["id"]) != (cid, iid):
            bad.append(f"replay of {key}: another candidate or invitation")
    return bad


def main():
    for tool in ("wrk", "psql"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(f"soak: {tool} is missing")
    if not os.access(BIN, os.X_OK):
        sys.exit(f"soak: no release binary at {BIN} (make api)")
    work = tempfile.mkdtemp(prefix="credence-soak.")
    mail_dir = os.path.join(work, "mail")
    log(f"{SECONDS} s{' with a kill -9' if KILL else ''}; logs in {work}")
    servers, mailer = [], None
    try:
        smtp_port = free_port()
        mailer = subprocess.Popen([sys.executable, os.path.join(ROOT, "e2e", "mailcatcher.py"), str(smtp_port), mail_dir],
                                  stdout=open(os.path.join(work, "mail.log"), "wb"), stderr=subprocess.STDOUT)
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "postgres")
        psql(f"CREATE DATABASE {DB}", "postgres")
        env = {"DATABASE_URL": f"{PG}/{DB}", "CREDENCE_DB_POOL_SIZE": str(CONNS),
               "CREDENCE_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "CREDENCE_MAIL_POLL_MS": "200",
               "CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE": "1000", "CREDENCE_LOG": "warn",
               "CREDENCE_WEB_DIR": os.path.join(ROOT, "dist")}
        for cmd in ("migrate", "seed-demo"):
            subprocess.run([BIN, cmd], env={**os.environ, **env}, check=True, capture_output=True)
        project = psql("SELECT id FROM projects WHERE name = 'Graduate Scheme 2027'")
        subprocess.run(["psql", f"{PG}/{DB}", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "from=0", "-v",
                        f"to={CANDIDATES}", "-v", f"project={project}", "-v", "scored=0", "-v", "topup=10000000",
                        "-f", os.path.join(HERE, "seed.sql")], check=True)
        psql("VACUUM ANALYZE")
        a = Server("reads", free_port(), env, work)
        b = Server("invites", free_port(), env, work)
        servers = [a, b]
        a.start()
        b.start()
        read_env = {"BENCH_TOKEN": login(a.port, RESELLER), "BENCH_TOKEN2": login(a.port, CLIENT),
                    "BENCH_PROJECT": project}
        reads_url = f"http://127.0.0.1:{a.port}/"
        read_cap = wrk(reads_url, PROBE, read_env, "mixed_reads.lua")["rps"]
        invite_cap = wrk(f"http://127.0.0.1:{b.port}/api/v1/candidates", PROBE,
                         {"BENCH_TOKEN": login(b.port, CLIENT), "BENCH_PROJECT": project, "BENCH_RUN": "probe"},
                         "invite.lua")["rps"]
        read_rate, invite_rate = read_cap / 2, invite_cap / 2
        # Per connection, a request every CONNS/rate s: the delay after each answer is that
        # period less the answer time at full capacity.
        delay_ms = max(0, round(1000 * CONNS / read_rate - 1000 * CONNS / read_cap))
        log(f"capacity with {CONNS} connections: reads {read_cap:.0f}/s, invites {invite_cap:.0f}/s; "
            f"soaking at {read_rate:.0f}/s and {invite_rate:.0f}/s")
        run = str(int(time.time()))
        invites = Invites(b.port, project, invite_rate, run)
        read_results = []

        def reads():
            left = SECONDS
            while left > 0:
                seg = min(SEGMENT, left)
                env_seg = {**read_env, "BENCH_TOKEN": login(a.port, RESELLER),
                           "BENCH_TOKEN2": login(a.port, CLIENT), "BENCH_DELAY_MS": str(delay_ms)}
                read_results.append(wrk(reads_url, seg, env_seg, "mixed_reads.lua"))
                left -= seg

        reader = threading.Thread(target=reads, daemon=True)
        started = time.monotonic()
        reader.start()
        invites.start()
        warm = min(60, max(5, SECONDS // 5))
        time.sleep(warm)
        rss_warm = {s.name: rss_kib(s.proc.pid) for s in servers}
        log(f"RSS after {warm} s of warm-up: " + ", ".join(f"{k} {v / 1024:.1f} MiB" for k, v in rss_warm.items()))
        killed_at = None
        if KILL:
            time.sleep(max(0, SECONDS / 2 - (time.monotonic() - started)))
            log(f"kill -9 the invites process (pid {b.proc.pid})")
            b.kill9()
            killed_at = time.monotonic()
            b.start()
            log(f"restarted after {time.monotonic() - killed_at:.1f} s")
        reader.join()
        invites.finish()
        rss_end = {s.name: rss_kib(s.proc.pid) for s in servers}
        elapsed = time.monotonic() - started
        requests = sum(r["requests"] for r in read_results)
        read_errors = sum(r["non2xx"] + r["socket_errors"] for r in read_results)
        p50 = max(r["p50_ms"] for r in read_results)
        log(f"reads: {requests} ({requests / elapsed:.0f}/s), p50 {p50:.2f} ms, {read_errors} errors; "
            f"invites: {len(invites.acked)} acknowledged ({len(invites.acked) / elapsed:.0f}/s), "
            f"{len(invites.failures)} failed, {invites.retries} retried")
        log(f"RSS at the end: " + ", ".join(f"{k} {v / 1024:.1f} MiB" for k, v in rss_end.items()))

        failures = []
        if read_errors:
            failures.append(f"{read_errors} read(s) failed")
        if invites.failures:
            key, status, body = invites.failures[0]
            failures.append(f"{len(invites.failures)} invite(s) failed, e.g. {key}: {status} {body!r}")
        if invites.retries and not KILL:
            failures.append(f"{invites.retries} invite(s) got no answer and were sent again")
        for s in servers:
            if KILL and s is b:
                continue  # a new process since the kill: nothing to compare with
            growth = (rss_end[s.name] - rss_warm[s.name]) / rss_warm[s.name]
            if abs(growth) > 0.10:
                failures.append(f"RSS of {s.name} moved {growth:+.0%} after warm-up")
        failures += replay_all(invites)
        log(f"replayed {len(invites.acked)} acknowledged invites")
        deadline = time.time() + DRAIN
        pending = psql("SELECT count(*) FROM outbox WHERE status = 'pending'")
        while pending != "0" and time.time() < deadline:
            time.sleep(2)
            pending = psql("SELECT count(*) FROM outbox WHERE status = 'pending'")
        if pending != "0":
            failures.append(f"{pending} mail(s) still pending after {DRAIN} s")
        time.sleep(1)
        bad, stored, mails = check_books(invites, mail_dir, run)
        failures += bad
        log(f"books: {stored} soak invitations, {mails} mails to them")
        if failures:
            print("SOAK FAILED:\n  " + "\n  ".join(failures))
            return 1
        print(f"SOAK PASSED: {SECONDS} s{', kill -9 and restart of the invites process' if KILL else ''}; "
              f"reads {requests / elapsed:.0f}/s (p50 {p50:.2f} ms), invites {len(invites.acked) / elapsed:.0f}/s, "
              f"0 errors, every replay the same, ledger exact, one mail per invitation, "
              f"RSS within 10 % ({', '.join(f'{k} {rss_warm[k] / 1024:.1f} → {rss_end[k] / 1024:.1f} MiB' for k in rss_end)}"
              f"{'; the invites process was restarted, so only the reads process counts' if KILL else ''})")
        return 0
    finally:
        for s in servers:
            s.stop()
        if mailer:
            mailer.terminate()
            mailer.wait()
        subprocess.run(["psql", f"{PG}/postgres", "-X", "-q", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"],
                       capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
