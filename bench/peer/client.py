"""The peer benchmark's load client: the same operations against workplan and Redmine, alternating.

A real HTTP client (``http.client``, one keep-alive connection per client thread) talks only to
127.0.0.1. Each run is bounded by a request count and a deadline. Runs alternate between the two
apps (workplan first in even repetitions, Redmine first in odd ones), and the table prints the
medians over the repetitions with workplan / Redmine ratios, the memory of every app process
after the load (RSS and PSS from /proc/<pid>/smaps_rollup) and the load average during the runs.

Run by ``bench/peer/run.sh`` (which seeds both apps and starts them); by hand:
``python bench/peer/client.py --workplan-state state.json --workplan-port 8093 --redmine-port 3003
--redmine-key-file KEY --workplan-pid PID --redmine-pid PID``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"  # never anything else
Job = Callable[["Client"], Any]  # returns True, or a status/str counted as an error, or a tag


class Client:
    """One keep-alive HTTP connection with default headers (a token, a session cookie)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.headers = dict(headers or {})
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        sent = {**self.headers, **(headers or {})}
        data: bytes | None = None
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=sent)
                response = self.connection.getresponse()
                return response.status, response.msg, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body: Any = None) -> Any:
        status, _, payload = self.request(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path} -> {status}: {payload[:200]!r}")
        return json.loads(payload)


@dataclass
class Run:
    app: str
    op: str
    conc: int
    jobs: int = 0
    units: int = 0
    errors: int = 0
    tags: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.units / self.wall if self.wall else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_bounded(
    run: Run, make_client: Callable[[], Client], jobs: list[Job], deadline: float, units_per_job: int = 1
) -> Run:
    """Run ``jobs`` on ``run.conc`` threads (each with its own connection) until done or the deadline."""
    lock = threading.Lock()
    pending = list(reversed(jobs))
    stop_at = time.monotonic() + deadline
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(1.0):
            run.load.append(loadavg())

    def worker() -> None:
        client = make_client()
        while time.monotonic() < stop_at:
            with lock:
                if not pending:
                    return
                job = pending.pop()
            started = time.perf_counter()
            try:
                outcome = job(client)
            except Exception as error:  # counted, never fatal: a load run reports what it saw
                outcome = type(error).__name__
            elapsed = time.perf_counter() - started
            with lock:
                run.jobs += 1
                run.latencies.append(elapsed)
                if outcome is True:
                    run.units += units_per_job
                elif isinstance(outcome, str) and outcome.startswith("tag:"):
                    run.tags[outcome[4:]] = run.tags.get(outcome[4:], 0) + 1
                else:
                    run.errors += 1
                    run.tags[f"error {outcome}"] = run.tags.get(f"error {outcome}", 0) + 1

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    run.load.append(loadavg())
    threads = [threading.Thread(target=worker) for _ in range(run.conc)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - started
    sampling.set()
    run.load.append(loadavg())
    print(
        f"  {run.app:8} {run.op:22} c={run.conc} {run.units:5} units in {run.wall:6.1f} s "
        f"({run.per_second:6.1f}/s) p50 {run.percentile(0.5):7.0f} ms p95 {run.percentile(0.95):7.0f} ms "
        f"errors {run.errors} {run.tags or ''} load {statistics.mean(run.load):.1f}",
        flush=True,
    )
    return run


class App:
    """What the two apps share: groups of items created over the API, a signed-in session."""

    name = ""
    port = 0
    cookie = ""

    def post_item(self, c: Client, group: int, parent: int | None, child: int) -> tuple[int, int]:
        """Create the group's parent (``parent`` None) or its ``child``-th child: (status, new id)."""
        raise NotImplementedError

    def sign_in(self) -> str:
        raise NotImplementedError

    def create_jobs(self, groups: int, fanout: int) -> list[Job]:
        def make(group: int) -> Job:
            def job(c: Client) -> Any:
                status, parent = self.post_item(c, group, None, 0)
                for child in range(fanout - 1):
                    if status != 201:
                        return status
                    status, _ = self.post_item(c, group, parent, child)
                return status == 201 or status

            return job

        return [make(g) for g in range(groups)]

    def rollup_client(self) -> Client:
        if not self.cookie:
            self.cookie = self.sign_in()
        return Client(self.port, {"Cookie": self.cookie})


class Workplan(App):
    """workplan's API (personal tokens) and its dashboard page (a signed-in session)."""

    name = "workplan"

    def __init__(self, port: int, state: dict[str, Any], rng: random.Random) -> None:
        self.port, self.state, self.rng = port, state, rng
        self.plans: list[int] = state["plans"]
        self.planner = {"Authorization": f"Bearer {state['planner']['token']}"}
        self.reporter = {"Authorization": f"Bearer {state['reporter']['token']}"}
        self.filtered = "limit=100&state=open&due_from=2025-03-01&due_to=2025-05-31"
        self.cursors = self._cursors()

    def _cursors(self) -> list[tuple[int, str]]:
        """Up to 20 page cursors per plan for the filtered list (set-up, not measured)."""
        client = Client(self.port, self.planner)
        found: list[tuple[int, str]] = []
        for plan in self.plans:
            cursor = ""
            for _ in range(20):
                found.append((plan, cursor))
                page = client.json("GET", self._list_path(plan, cursor))
                if not page["next_cursor"]:
                    break
                cursor = page["next_cursor"]
        return found

    def _list_path(self, plan: int, cursor: str) -> str:
        return f"/api/v1/plans/{plan}/items?{self.filtered}" + (f"&cursor={cursor}" if cursor else "")

    def api(self) -> Client:
        return Client(self.port, self.planner)

    def list_jobs(self, n: int) -> list[Job]:
        def make(plan: int, cursor: str) -> Job:
            def job(c: Client) -> Any:
                status, _, body = c.request("GET", self._list_path(plan, cursor))
                return (status == 200 and bool(json.loads(body)["items"])) or status

            return job

        return [make(*self.rng.choice(self.cursors)) for _ in range(n)]

    def progress_pool(self, size: int) -> tuple[Callable[[], Client], list[Any]]:
        client = Client(self.port, self.reporter)
        unit = self.state["reporter"]["unit_id"]
        page = client.json("GET", f"/api/v1/reports?unit_id={unit}&status=submitted&limit={size}")
        return (lambda: Client(self.port, self.reporter)), [r["id"] for r in page["items"]]

    def progress_value(self, client: Client, key: Any) -> int:
        return int(client.json("GET", f"/api/v1/reports/{key}")["percent"])

    def progress_job(self, key: Any, k: int) -> Job:
        def job(c: Client) -> Any:
            report = c.json("GET", f"/api/v1/reports/{key}")
            body = {
                "narrative": f"progress {k}",
                "percent": min(100, report["percent"] + 1),
                "version": report["version"],
            }
            status, _, payload = c.request("PUT", f"/api/v1/reports/{key}", body)
            if status == 409:
                return "tag:conflict (409)"
            return status == 200 or f"{status}:{payload[:80]!r}"

        return job

    def post_item(self, c: Client, group: int, parent: int | None, child: int) -> tuple[int, int]:
        plan = self.plans[group % len(self.plans)]
        body: dict[str, Any] = {"title": f"api plan {group}"}
        if parent is not None:
            body = {"title": f"api task {group}-{child}", "parent_id": parent, "due_date": "2025-06-28"}
        status, _, payload = c.request("POST", f"/api/v1/plans/{plan}/items", body)
        return status, json.loads(payload)["id"] if status == 201 else 0

    def sign_in(self) -> str:
        return workplan_session(self.port, self.state["planner"])

    def rollup_jobs(self, n: int) -> list[Job]:
        def make(plan: int) -> Job:
            def job(c: Client) -> Any:
                status, _, body = c.request("GET", f"/plans/{plan}/dashboard/")
                return (status == 200 and b"<html" in body[:500].lower()) or status

            return job

        return [make(self.rng.choice(self.plans)) for _ in range(n)]


def workplan_session(port: int, planner: dict[str, str]) -> str:
    client = Client(port)
    status, headers, body = client.request("GET", "/login/")
    jar = _cookies(headers, {})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token, f"no CSRF token on /login/ ({status})"
    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": planner["username"],
            "password": planner["password"],
        }
    )
    client.headers["Cookie"] = "; ".join(jar.values())
    status, headers, _ = client.request(
        "POST",
        "/login/",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{port}/login/"},
    )
    assert status == 302, f"workplan sign-in failed: HTTP {status}"
    return "; ".join(_cookies(headers, jar).values())


def _cookies(headers: http.client.HTTPMessage, jar: dict[str, str]) -> dict[str, str]:
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";")[0]
        jar[pair.split("=")[0]] = pair
    return jar


class Redmine(App):
    """Redmine's REST API (the admin's API key) and its roll-up page (a signed-in session)."""

    name = "redmine"

    def __init__(self, port: int, key: str, rng: random.Random) -> None:
        self.port, self.rng = port, rng
        self.key = {"X-Redmine-API-Key": key}
        projects = self.api().json("GET", "/projects.json?limit=100")["projects"]
        self.sub = [
            p["id"]
            for p in sorted(projects, key=lambda p: p["identifier"])
            if p["identifier"].startswith("bench-p")
        ]
        total = self.api().json("GET", "/issues.json?project_id=bench&status_id=2&limit=1")["total_count"]
        self.pages = max(1, min(200, (total + 99) // 100))

    def api(self) -> Client:
        return Client(self.port, self.key)

    def list_jobs(self, n: int) -> list[Job]:
        def make(offset: int) -> Job:
            def job(c: Client) -> Any:
                status, _, body = c.request(
                    "GET", f"/issues.json?project_id=bench&status_id=2&limit=100&offset={offset}"
                )
                return (status == 200 and bool(json.loads(body)["issues"])) or status

            return job

        return [make(100 * self.rng.randrange(self.pages)) for _ in range(n)]

    def progress_pool(self, size: int) -> tuple[Callable[[], Client], list[Any]]:
        issues = self.api().json(
            "GET", f"/issues.json?project_id=bench&status_id=1&limit={4 * size}&sort=id"
        )["issues"]
        leaves = [i["id"] for i in issues if "parent" in i][:size]
        return self.api, leaves

    def progress_value(self, client: Client, key: Any) -> int:
        return int(client.json("GET", f"/issues/{key}.json")["issue"]["done_ratio"])

    def progress_job(self, key: Any, k: int) -> Job:
        def job(c: Client) -> Any:
            done = c.json("GET", f"/issues/{key}.json")["issue"]["done_ratio"]
            body = {"issue": {"notes": f"progress {k}", "done_ratio": min(100, done + 1)}}
            status, _, payload = c.request("PUT", f"/issues/{key}.json", body)
            if status == 409 or (status == 422 and payload.strip() == b'{"errors":[]}'):
                # Redmine answers a StaleObjectError (another write in between) with 422 and no errors
                return f"tag:conflict ({status})"
            return status in (200, 204) or f"{status}:{payload[:80]!r}"

        return job

    def post_item(self, c: Client, group: int, parent: int | None, child: int) -> tuple[int, int]:
        issue: dict[str, Any] = {
            "project_id": self.sub[group % len(self.sub)],
            "subject": f"api plan {group}",
        }
        if parent is None:
            issue["status_id"] = 2
        else:
            issue |= {
                "subject": f"api task {group}-{child}",
                "status_id": 1 + (group + child) % 6,
                "parent_issue_id": parent,
            }
        status, _, payload = c.request("POST", "/issues.json", {"issue": issue})
        return status, json.loads(payload)["issue"]["id"] if status == 201 else 0

    def sign_in(self) -> str:
        return redmine_session(self.port)

    def rollup_jobs(self, n: int) -> list[Job]:
        def job(c: Client) -> Any:
            status, _, body = c.request("GET", "/projects/bench/issues/report/subproject")
            return (status == 200 and b"Bench plan" in body) or status

        return [job] * n


def redmine_session(port: int, password: str = "admin") -> str:  # noqa: S107 - the peer's local admin
    client = Client(port)
    _, headers, body = client.request("GET", "/login")
    jar = _cookies(headers, {})
    token = re.search(rb'name="authenticity_token" value="([^"]+)"', body)
    assert token, "no authenticity token on Redmine's /login"
    client.headers["Cookie"] = "; ".join(jar.values())
    form = urlencode(
        {
            "authenticity_token": token.group(1).decode(),
            "username": "admin",
            "password": password,
            "login": "Login",
        }
    )
    status, headers, _ = client.request(
        "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 302, f"Redmine sign-in failed: HTTP {status}"
    return "; ".join(_cookies(headers, jar).values())


OPERATIONS = [("list", 1), ("list", 4), ("progress update", 4), ("create", 4), ("roll-up", 1), ("roll-up", 4)]


def progress_run(app: App, conc: int, updates: int, pool: int, deadline: float) -> Run:
    """Read-modify-write (percent + 1) on a small pool; lost = acknowledged writes not in the end value."""
    make_client, keys = app.progress_pool(pool)
    probe = make_client()
    before = {key: app.progress_value(probe, key) for key in keys}
    # the clients take jobs in turn, so the ``conc`` jobs running at one moment share one item
    jobs = [app.progress_job(keys[(k // conc) % len(keys)], k) for k in range(min(updates, len(keys) * 90))]
    run = run_bounded(Run(app.name, "progress update", conc), make_client, jobs, deadline)
    after = {key: app.progress_value(probe, key) for key in keys}
    run.extra["lost updates"] = run.units - sum(after[k] - before[k] for k in keys)
    run.extra["conflicts"] = sum(v for t, v in run.tags.items() if t.startswith("conflict"))
    print(f"    lost updates {run.extra['lost updates']}, conflicts {run.extra['conflicts']}", flush=True)
    return run


def memory(pid: int) -> tuple[float, float, int]:
    """RSS and PSS (MiB) summed over a master process and its children, and how many processes."""
    pids = [pid] + [int(p) for p in _children(pid)]
    rss = pss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024, len(pids)


def _children(pid: int) -> list[str]:
    found: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_children(int(kid))]
    return found


def suite(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    state = json.loads(Path(args.workplan_state).read_text())
    apps: list[App] = [
        Workplan(args.workplan_port, state, rng),
        Redmine(args.redmine_port, Path(args.redmine_key_file).read_text().strip(), rng),
    ]
    runs: list[Run] = []
    for rep in range(args.reps):
        order = apps if rep % 2 == 0 else list(reversed(apps))
        print(
            f"repetition {rep + 1} of {args.reps}: {' then '.join(a.name for a in order)} for each operation",
            flush=True,
        )
        for op, conc in OPERATIONS:
            for app in order:
                if op == "list":
                    runs.append(
                        run_bounded(
                            Run(app.name, op, conc), app.api, app.list_jobs(args.requests), args.deadline
                        )
                    )
                elif op == "progress update":
                    runs.append(progress_run(app, conc, args.requests, args.pool, args.deadline))
                elif op == "create":
                    groups = max(1, args.create // args.fanout)
                    jobs = app.create_jobs(groups, args.fanout)
                    runs.append(
                        run_bounded(Run(app.name, op, conc), app.api, jobs, args.deadline, args.fanout)
                    )
                else:
                    runs.append(
                        run_bounded(
                            Run(app.name, op, conc),
                            app.rollup_client,
                            app.rollup_jobs(args.rollups),
                            args.deadline,
                        )
                    )
    mem = {"workplan": memory(args.workplan_pid), "redmine": memory(args.redmine_pid)}
    print(table(runs, mem, args))


def table(runs: list[Run], mem: dict[str, tuple[float, float, int]], args: argparse.Namespace) -> str:
    def median(app: str, op: str, conc: int, pick: Callable[[Run], float]) -> float:
        values = [pick(r) for r in runs if (r.app, r.op, r.conc) == (app, op, conc)]
        return statistics.median(values) if values else 0.0

    lines = [
        f"median of {args.reps} alternating runs; {args.requests} requests per list/progress run, "
        f"{args.create} items per create run, {args.rollups} roll-ups per run",
        "| operation | clients | workplan | Redmine | workplan / Redmine |",
        "| --- | --- | --- | --- | --- |",
    ]
    for op, conc in OPERATIONS:
        cells = []
        rates = []
        for app in ("workplan", "redmine"):
            rate = median(app, op, conc, lambda r: r.per_second)
            p50 = median(app, op, conc, lambda r: r.percentile(0.5))
            cell = f"p50 {p50:,.0f} ms, {rate:.1f} {'items' if op == 'create' else 'req'}/s"
            if op == "progress update":
                lost = sum(r.extra["lost updates"] for r in runs if (r.app, r.op) == (app, op))
                conflicts = sum(r.extra["conflicts"] for r in runs if (r.app, r.op) == (app, op))
                cell += f", {lost} lost, {conflicts} conflicts"
            errors = sum(r.errors for r in runs if (r.app, r.op, r.conc) == (app, op, conc))
            if errors:
                cell += f", {errors} errors"
            cells.append(cell)
            rates.append(rate)
        ratio = f"{rates[0] / rates[1]:.2f}× the throughput" if rates[1] else "n/a"
        lines.append(f"| {op} | {conc} | {cells[0]} | {cells[1]} | {ratio} |")
    (w_rss, w_pss, w_n), (r_rss, r_pss, r_n) = mem["workplan"], mem["redmine"]
    lines.append(
        f"| memory after the load | | {w_rss:.0f} MiB RSS / {w_pss:.0f} MiB PSS in {w_n} processes | "
        f"{r_rss:.0f} MiB RSS / {r_pss:.0f} MiB PSS in {r_n} | PSS {w_pss / r_pss:.2f}× |"
        if r_pss
        else "| memory | | n/a | n/a | |"
    )
    load = [v for r in runs for v in r.load]
    lines.append(
        f"load average (1 min) during the runs: mean {statistics.mean(load):.1f}, max {max(load):.1f}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workplan-state", required=True)
    parser.add_argument("--workplan-port", type=int, required=True)
    parser.add_argument("--workplan-pid", type=int, required=True, help="gunicorn's master")
    parser.add_argument("--redmine-port", type=int, required=True)
    parser.add_argument("--redmine-key-file", required=True)
    parser.add_argument("--redmine-pid", type=int, required=True, help="puma's master")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--create", type=int, default=200, help="items (issues) created per run")
    parser.add_argument("--fanout", type=int, default=10)
    parser.add_argument("--rollups", type=int, default=10)
    parser.add_argument("--pool", type=int, default=10, help="items the progress updates share")
    parser.add_argument("--deadline", type=float, default=120)
    parser.add_argument("--seed", type=int, default=1)
    suite(parser.parse_args())


if __name__ == "__main__":
    main()
