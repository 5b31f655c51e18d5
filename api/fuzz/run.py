"""Fuzzes the API against its own OpenAPI document, once for each role, with schemathesis.

A fresh `credence serve` on a throwaway SQLite or PostgreSQL database with the demo data, a
local SMTP catcher (so a candidate can open a real invitation link), then one bounded schemathesis run
per role and database: no token, the vendor admin, a reseller user, a client user and a
candidate, on SQLite and on PostgreSQL (`TEST_POSTGRES_URL`). Each run
must find no server error, no answer outside the document (status code, content type, response
schema) and no invalid request accepted. Exit code: 0 when every run is clean.

    python api/fuzz/run.py --bin target/debug/credence --spec openapi.yaml [--max-examples N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_BASE = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
ROOT = HERE.parent.parent

# The demo logins `credence seed-demo` creates (api/src/cli/demo.rs).
LOGINS = {
    "admin": ("admin@credence.local", "credence-admin-demo"),
    "reseller": ("reseller@credence.local", "credence-reseller-demo"),
    "client": ("client@credence.local", "credence-client-demo"),
}

# What every run checks: no 5xx, nothing undocumented, and bad input refused. Not
# `positive_data_acceptance`: a request can keep to the schema and still be refused with a 422
# for a rule a schema cannot state (a password on the common-passwords list, an email already
# taken, a logo that is not an image, deactivating yourself).
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)

# Operations that would end the very session the run uses (and so test nothing afterwards),
# or that need a cookie rather than the bearer token. Their own API tests cover them.
ENDS_THE_RUN = ["logout", "change_password", "end_impersonation", "refresh"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            sys.exit(f"fuzz: the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("fuzz: the server did not answer /healthz")


def login(base: str, role: str) -> str:
    email, password = LOGINS[role]
    status, body = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    if status != 200:
        sys.exit(f"fuzz: {role} could not sign in: {status} {body}")
    return body["access_token"]


def candidate_token(base: str, client_token: str, mail_dir: Path) -> str:
    """Invites a candidate as the client user and opens the link from the invitation email."""
    status, projects = call(base, "GET", "/api/v1/projects", token=client_token)
    if status != 200 or not projects["data"]:
        sys.exit(f"fuzz: no project to invite into: {status} {projects}")
    email = f"fuzz-{int(time.time())}@example.com"
    invite = {
        "project_id": projects["data"][0]["id"],
        "first_name": "Fuzz",
        "last_name": "Candidate",
        "email": email,
    }
    status, body = call(base, "POST", "/api/v1/candidates", invite, token=client_token)
    if status != 201:
        sys.exit(f"fuzz: could not invite a candidate: {status} {body}")
    for _ in range(150):
        for file in sorted(mail_dir.glob("*.eml")):
            message = message_from_bytes(file.read_bytes(), policy=policy.default)
            if email not in message.get("X-Envelope-To", ""):
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"/test\?token=([A-Za-z0-9_\-]+)", text)
            if found:
                status, session = call(
                    base, "POST", "/api/v1/candidate/sessions", {"invitation_token": found.group(1)}
                )
                if status != 200:
                    sys.exit(f"fuzz: the invitation link did not open: {status} {session}")
                return session["access_token"]
        time.sleep(0.2)
    sys.exit("fuzz: the invitation email never arrived")


def fuzz(schemathesis: str, spec: str, server: "Server", role: str, token: str | None, args) -> int:
    command = [
        schemathesis,
        "run",
        spec,
        "--url",
        server.base,
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
        "--no-color",
        "--seed",
        str(args.seed),
    ]
    for operation in ENDS_THE_RUN:
        command += ["--exclude-operation-id", operation]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    print(f"\n=== fuzz: {role} ===", flush=True)
    # Run in the role's own folder: schemathesis keeps a cache beside it.
    return subprocess.run(command, cwd=server.tmp).returncode


class Server:
    """`credence serve` on a throwaway SQLite database with the demo data and a mail catcher."""

    def __init__(self, binary: str, tmp: Path, database: str) -> None:
        tmp.mkdir()
        self.tmp = tmp
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        port, smtp_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.pg_database = None
        if database == "postgres":
            # A fresh PostgreSQL database, dropped in `stop`.
            self.pg_database = f"credence_fuzz_{os.getpid()}_{tmp.name}"
            self.psql(f"CREATE DATABASE {self.pg_database}")
            url = f"{PG_BASE}/{self.pg_database}"
        else:
            url = str(tmp / "fuzz.db")
        env = dict(
            os.environ,
            DATABASE_URL=url,
            CREDENCE_BIND=f"127.0.0.1:{port}",
            CREDENCE_PUBLIC_URL=self.base,
            CREDENCE_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
            CREDENCE_MAIL_POLL_MS="200",
            CREDENCE_LOG="warn",
            # The fuzzer signs in and asks for reset links far faster than a person would.
            CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE="10000",
        )
        self.catcher = subprocess.Popen(
            [sys.executable, str(ROOT / "e2e" / "mailcatcher.py"), str(smtp_port), str(self.mail_dir)],
            stdout=subprocess.DEVNULL,
        )
        subprocess.run([binary, "seed-demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        log = open(tmp / "server.log", "wb")
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
        wait_until_up(self.base, self.process)

    @staticmethod
    def psql(sql: str) -> None:
        subprocess.run(["psql", f"{PG_BASE}/postgres", "-qc", sql], check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        for process in (self.process, self.catcher):
            process.terminate()
            process.wait()
        if self.pg_database:
            self.psql(f"DROP DATABASE IF EXISTS {self.pg_database} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--spec", default=str(ROOT / "openapi.yaml"))
    parser.add_argument("--max-examples", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--roles", default="public,admin,reseller,client,candidate")
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()

    schemathesis = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    tmp = Path(tempfile.mkdtemp(prefix="credence-fuzz."))
    spec = str(Path(args.spec).resolve())
    failed = []
    runs = [(d, r) for d in args.databases.split(",") for r in args.roles.split(",")]
    for database, role in runs:
        # Each role gets its own server and demo data: the fuzzer finds real ids in the answers
        # and really suspends, deactivates and edits what it finds, which would leave the next
        # role nobody to sign in as.
        server = Server(args.bin, tmp / f"{database}_{role}", database)
        try:
            if role == "public":
                token = None
            elif role == "candidate":
                token = candidate_token(server.base, login(server.base, "client"), server.mail_dir)
            else:
                token = login(server.base, role)
            if fuzz(schemathesis, spec, server, f"{role} on {database}", token, args) != 0:
                failed.append(f"{role} on {database}")
        finally:
            server.stop()
    if failed:
        print(f"\nfuzz: failures for {', '.join(failed)}; server logs under {tmp}")
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("\nfuzz: every role's run is clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
