"""The peer benchmark's own pieces (bench/peer/client.py), without Redmine or load: the bounded
runner against a tiny local HTTP server, the memory reading, and the table."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parents[1] / "bench" / "peer" / "client.py"


@pytest.fixture(scope="module")
def client():
    spec = importlib.util.spec_from_file_location("bench_peer_client", CLIENT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b'{"ok": true}' if self.path == "/ok" else b"{}"
        self.send_response(200 if self.path == "/ok" else 409)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def test_a_bounded_run_counts_units_tags_and_errors_over_keep_alive_connections(client, server):
    def ok(c):
        return c.request("GET", "/ok")[0] == 200

    def conflict(c):
        return "tag:conflict (409)" if c.request("GET", "/stale")[0] == 409 else True

    run = client.run_bounded(
        client.Run("app", "op", 3),
        lambda: client.Client(server),
        [ok] * 10 + [conflict] * 2 + [lambda c: 500],
        30,
    )
    assert (run.jobs, run.units, run.errors, run.tags.get("conflict (409)")) == (13, 10, 1, 2)
    assert run.per_second > 0 and run.percentile(0.5) > 0 and run.load


def test_memory_sums_a_process_and_its_children_and_the_table_prints_ratios(client):
    rss, pss, processes = client.memory(os.getpid())
    assert rss > 10 and 0 < pss <= rss + 1 and processes >= 1
    runs = []
    for app, rate in (("workplan", 30.0), ("redmine", 10.0)):
        for op, conc in client.OPERATIONS:
            run = client.Run(
                app, op, conc, jobs=30, units=int(rate * 2), wall=2.0, latencies=[0.05], load=[1.5]
            )
            run.extra = {"lost updates": 0, "conflicts": 1}
            runs.append(run)
    args = argparse.Namespace(reps=1, requests=30, create=100, rollups=5)
    printed = client.table(runs, {"workplan": (300, 200, 3), "redmine": (600, 400, 3)}, args)
    assert "| list | 4 | p50 50 ms, 30.0 req/s | p50 50 ms, 10.0 req/s | 3.00× the throughput |" in printed
    assert "0 lost, 1 conflicts" in printed and "PSS 0.50×" in printed and "load average" in printed


@pytest.mark.django_db
def test_synth_groups_have_one_parent_and_nine_children_as_in_the_redmine_seed():
    from workplan.plans.models import PlanItem
    from workplan.synth import synthesise

    synthesise(units=6, items=46, plans=2, group_size=10, seed=7)  # 23 items each
    for plan_id in PlanItem.objects.values_list("plan_id", flat=True).distinct():
        items = PlanItem.objects.filter(plan_id=plan_id)
        parents = list(items.filter(depth=1).order_by("path"))
        assert [p.numchild for p in parents] == [9, 9, 2]
        assert items.count() == len(parents) + sum(p.numchild for p in parents)
        assert not items.filter(depth__gt=2).exists()
