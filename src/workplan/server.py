"""The production server: gunicorn, one worker process per core, threads in each.

``workplan serve`` uses it; ``workplan demo`` keeps the embedded single-process waitress,
which needs nothing but Python. Static files are served by whitenoise from inside the app
(compressed, with far-future caching for hashed names), so no separate web server is needed
for an office's intranet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """One process per core (the app is mostly I/O-bound: threads cover the waits)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 0  # 0: one per core
    threads: int = 4
    timeout: int = 60  # seconds a request may take before its worker is restarted
    graceful_timeout: int = 30
    max_requests: int = 2000  # recycle workers now and then, so memory stays flat

    def gunicorn_config(self) -> dict[str, Any]:
        return {
            "bind": f"{self.host}:{self.port}",
            "workers": self.workers or default_workers(),
            "threads": self.threads,
            "worker_class": "gthread",
            "timeout": self.timeout,
            "graceful_timeout": self.graceful_timeout,
            "max_requests": self.max_requests,
            "max_requests_jitter": self.max_requests // 10,
            "preload_app": True,  # load Django once; the workers share the memory pages
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "workplan",
        }


class _Application(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints: Any base
    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.gunicorn_config().items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from workplan.config.wsgi import application

        return application


def serve(options: ServerOptions) -> None:
    """Run gunicorn in the foreground until it is stopped (SIGTERM/SIGINT: graceful; SIGHUP: reload)."""
    _Application(options).run()
