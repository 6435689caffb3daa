import pytest


@pytest.fixture(autouse=True)
def local_receivers_only(settings):
    """Robots on 127.0.0.1 (the tests' own receivers) are allowed; nothing else is reachable
    (every other private address is refused, and no test names a public host)."""
    settings.WORKPLAN_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WORKPLAN_TASK_THREADS = False  # run each attempt in the test's own thread and transaction
    settings.WORKPLAN_WEBHOOK_TIMEOUT = 0.5
    settings.WORKPLAN_SITE_URL = "https://plan.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
