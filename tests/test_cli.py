"""The console script as a user meets it: bad configuration and bad commands give one
line and exit status 2; the demo sets up a site (twice without harm) and serves it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

WORKPLAN = str(Path(sys.executable).parent / "workplan")


def run(
    *args: str, env: dict[str, str] | None = None, timeout: int = 180
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    full_env.update(env or {})
    return subprocess.run(
        [WORKPLAN, *args], capture_output=True, text=True, env=full_env, timeout=timeout, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    return {"WORKPLAN_DATA_DIR": str(tmp_path / "data")}


def test_unknown_subcommand(data_dir):
    assert_one_line_error(run("frobnicate", env=data_dir), "unknown command 'frobnicate'")


def test_bad_option_of_own_command(data_dir):
    assert_one_line_error(run("synth", "--units", "many", env=data_dir), "invalid int value")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("not a url", "DATABASE_URL"),
        ("mysql://u@localhost/db", "unsupported database"),
        ("postgres://postgres@127.0.0.1:9/none", "cannot use the database"),
    ],
)
def test_bad_database_url(data_dir, url, fragment):
    assert_one_line_error(run("migrate", env={**data_dir, "DATABASE_URL": url}), fragment)


def test_unwritable_data_folder():
    assert_one_line_error(run("migrate", env={"WORKPLAN_DATA_DIR": "/proc/workplan-data"}), "not writable")


def test_bad_time_zone(data_dir):
    assert_one_line_error(run("check", env={**data_dir, "TIME_ZONE": "Mars/Olympus"}), "TIME_ZONE")


def test_short_secret_key_is_refused(data_dir):
    assert_one_line_error(run("check", env={**data_dir, "SECRET_KEY": "short"}), "SECRET_KEY")


def test_secret_key_is_generated_once(data_dir, tmp_path):
    assert run("check", env=data_dir).returncode == 0
    key_file = tmp_path / "data" / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 40
    assert run("check", env=data_dir).returncode == 0
    assert key_file.read_text() == first


def test_help_lists_own_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "serve", "synth", "parse", "import"):
        assert command in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_demo_twice_then_serves_a_login_page(data_dir):
    first = run("demo", "--no-serve", env=data_dir)
    assert first.returncode == 0, first.stderr
    assert "planner" in first.stdout and "5 parts, 16 tasks" in first.stdout
    second = run("demo", "--no-serve", env=data_dir)
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | data_dir
    server = subprocess.Popen(
        [WORKPLAN, "serve", "--embedded", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/login/")
        assert 'name="password"' in body and "csrfmiddlewaretoken" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get_when_up(url: str, *, tries: int = 150) -> str:
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a local http URL)
                return str(response.read().decode())
        except OSError:
            time.sleep(0.1)
    return ""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
def test_serve_runs_one_process_per_worker_serves_static_files_and_stops_gracefully(data_dir):
    assert run("migrate", env=data_dir).returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | data_dir
    server = subprocess.Popen(
        [WORKPLAN, "serve", "--workers", "2", "--threads", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert 'name="password"' in _get_when_up(f"http://127.0.0.1:{port}/login/")
        for _ in range(50):  # the workers fork after the app has loaded
            if len(_children(server.pid)) == 2:
                break
            time.sleep(0.1)
        assert len(_children(server.pid)) == 2
        css = _get_when_up(f"http://127.0.0.1:{port}/static/workplan/workplan.css")
        assert "{" in css  # whitenoise serves the app's own static files
    finally:
        server.terminate()
        assert server.wait(timeout=40) == 0  # SIGTERM: finish the requests in flight, then exit


def test_serve_refuses_nonsense_options(data_dir):
    assert_one_line_error(run("serve", "--workers", "-1", env=data_dir), "--workers")
    assert_one_line_error(run("serve", "--threads", "0", env=data_dir), "--threads")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.txt", b"", "empty"),
        ("junk.docx", bytes(range(256)) * 40, "docx"),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "encrypted"),
        ("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "PDF"),
        ("plan.wps", b"whatever", ".docx"),
        ("plan.xyz", b"whatever", "xyz"),
    ],
)
def test_parse_refuses_bad_files_with_one_line(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    result = run("parse", str(path), "--format", "json")
    assert_one_line_error(result)
    assert fragment.lower() in result.stderr.lower(), result.stderr


def test_parse_refuses_a_50_mb_text_file(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = run("parse", str(path))
    assert_one_line_error(result, "50")


def test_parse_missing_file(tmp_path):
    assert_one_line_error(run("parse", str(tmp_path / "nope.txt")))
