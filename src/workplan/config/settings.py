"""Django settings, all from the environment (see env.py and docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import django_stubs_ext
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from workplan.config import env

# Lets admin and form classes be written ModelAdmin[Model] at runtime, as mypy sees them.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.ensure_writable_dir(env.data_dir())
DEBUG = env.flag("DEBUG", default=False)
SECRET_KEY = env.secret_key(DATA_DIR)
ALLOWED_HOSTS = env.host_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.host_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "treebeard",
    "workplan.core",
    "workplan.files",
    "workplan.accounts",
    "workplan.plans",
    "workplan.progress",
    "workplan.tasks",
    "workplan.ledgers",
    "workplan.assessment",
    "workplan.web",
    "workplan.operations",
    "workplan.reports",
    "workplan.channels",
    "workplan.publishing",
    "workplan.history",
    "ninja",  # its templates and static files: the API docs are served locally, no CDN
    "workplan.api",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # the recovery codes
    "axes",  # failed sign-ins, lockouts (after the apps: its admin lists the attempts)
    "workplan.security",
]

MIDDLEWARE = [
    "workplan.api.middleware.ApiErrorMiddleware",  # outermost: every error under /api/ is JSON
    "django.middleware.security.SecurityMiddleware",
    "workplan.core.middleware.AuditInterfaceMiddleware",  # early: every audit row knows its client
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workplan.web.middleware.UserLanguageMiddleware",
    "workplan.operations.middleware.OneTimePasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workplan.security.middleware.SessionTimeoutMiddleware",
    "workplan.security.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workplan.web.failures.FailurePageMiddleware",  # a full disk or unreadable upload in a view
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "workplan.config.urls"
WSGI_APPLICATION = "workplan.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workplan.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's defaults, plus the light hasher that only one-time passwords use (operations/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "workplan.operations.hashers.OneTimePasswordHasher",
]

# Password rules (等保 2.0 口令复杂度): WORKPLAN_PASSWORD_MIN_LENGTH (default 10) characters, three of
# four character classes, not the username, not like the user's name or e-mail, not all digits,
# not on Django's list of 20,000 common (breached) passwords that ships with it.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.integer("WORKPLAN_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "workplan.security.passwords.CharacterClassesValidator"},
    {"NAME": "workplan.security.passwords.NotUsernameValidator"},
]
# 等保 "change periodically": after WORKPLAN_PASSWORD_MAX_AGE_DAYS (0, the default: never) a user
# must choose a new password before anything else, as after a one-time password.
WORKPLAN_PASSWORD_MAX_AGE_DAYS = env.integer("WORKPLAN_PASSWORD_MAX_AGE_DAYS", 0)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.ensure_writable_dir(DATA_DIR / "static")  # whitenoise also serves from the app folders
MEDIA_ROOT = DATA_DIR / "media"
# Every kept file goes through these storages (workplan/files/storage.py): the data folder by
# default, or the database, so that app hosts sharing one PostgreSQL share their files too.
STORAGES = {
    "default": env.file_storage(MEDIA_ROOT, "media"),
    "evidence": env.file_storage(MEDIA_ROOT / "evidence", "evidence", allow_overwrite=True),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: plan documents and evidence. Larger requests are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer("WORKPLAN_MAX_REQUEST_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
WORKPLAN_MAX_UPLOAD_BYTES = env.integer("WORKPLAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
# Plan documents larger than this are read by a background task (the draft page shows its state).
WORKPLAN_IMPORT_SYNC_BYTES = env.integer("WORKPLAN_IMPORT_SYNC_BYTES", 512 * 1024, minimum=0)

# The JSON API (/api/v1): requests per caller (token, or signed-in user) per window; 0 = no limit.
WORKPLAN_API_RATE_LIMIT = env.integer("WORKPLAN_API_RATE_LIMIT", 600, minimum=0)
WORKPLAN_API_RATE_WINDOW_SECONDS = env.integer("WORKPLAN_API_RATE_WINDOW_SECONDS", 60, minimum=1)
WORKPLAN_API_PAGE_SIZE = 50

# The anonymous public pages (/public/): how long a browser or proxy may reuse a page unasked.
WORKPLAN_PUBLIC_MAX_AGE = env.integer("WORKPLAN_PUBLIC_MAX_AGE", 60, minimum=0)
WORKPLAN_API_MAX_PAGE_SIZE = 200

# E-mail (reminders, warnings): SMTP when EMAIL_HOST is set, else files in DATA_DIR/mail so that
# nothing is lost on an air-gapped box. The tests use Django's locmem backend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", default=False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "workplan@localhost")
EMAIL_SUBJECT_PREFIX = "[workplan] "

# Background tasks (workplan/tasks): run after commit in this process by default; or by
# `workplan worker` processes polling the database; or by Celery workers through a broker.
WORKPLAN_TASKS = env.task_engine()
WORKPLAN_BROKER_URL = os.environ.get("WORKPLAN_BROKER_URL", "").strip()
WORKPLAN_TASK_QUEUE = (
    os.environ.get("WORKPLAN_TASK_QUEUE", "").strip() or "workplan"
)  # one per site on a shared broker

# Messaging channels (workplan/channels, docs/channels.md): links in robot messages and digests
# start with the site's address; robots must be https on public addresses unless their host is
# listed here (an intranet gateway: any address, http allowed); seconds before a robot times out.
WORKPLAN_SITE_URL = os.environ.get("WORKPLAN_SITE_URL", "").strip() or "http://localhost:8000"
WORKPLAN_WEBHOOK_ALLOWED_HOSTS = [h.lower() for h in env.host_list("WORKPLAN_WEBHOOK_ALLOWED_HOSTS", [])]
WORKPLAN_WEBHOOK_TIMEOUT = env.integer("WORKPLAN_WEBHOOK_TIMEOUT", 5, minimum=1)
WORKPLAN_WEBHOOK_CA_FILE = os.environ.get("WORKPLAN_WEBHOOK_CA_FILE", "").strip()
WORKPLAN_TASK_THREADS = True  # the immediate engine runs robot messages in a thread of their own

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.flag("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "same-origin"


# Content-Security-Policy (django-csp): scripts, styles, images and requests from this site only;
# no inline script or style, no eval, no plugins, never framed. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Failed sign-ins (django-axes, counted in the database, so shared by every app process): after
# WORKPLAN_LOGIN_FAILURE_LIMIT failures an account, and separately an address, is locked for
# WORKPLAN_LOGIN_LOCKOUT_MINUTES; a correct password then does not sign in. Administrators
# unlock on the Users page (or `workplan axes_reset_username NAME`). Bad API tokens count too.
AXES_FAILURE_LIMIT = env.integer("WORKPLAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.integer("WORKPLAN_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workplan.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "workplan.security.lockout.client_address"
AXES_USERNAME_CALLABLE = "workplan.security.lockout.client_username"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins and sign-outs are in the audit log
# Sessions end after WORKPLAN_SESSION_IDLE_MINUTES without a request, and WORKPLAN_SESSION_MAX_HOURS
# after sign-in whatever happens (security.middleware); the cookie dies with the browser.
WORKPLAN_SESSION_IDLE_MINUTES = env.integer("WORKPLAN_SESSION_IDLE_MINUTES", 30, minimum=1)
WORKPLAN_SESSION_MAX_HOURS = env.integer("WORKPLAN_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = WORKPLAN_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Two-factor sign-in (TOTP, django-otp): required for these roles ("admin" = administrators),
# available to everyone on the Two-factor page. Empty = optional for all.
WORKPLAN_2FA_REQUIRED_ROLES = [
    r.strip() for r in os.environ.get("WORKPLAN_2FA_REQUIRED_ROLES", "admin,planner").split(",") if r.strip()
]
OTP_TOTP_ISSUER = "workplan"
# Separation of duties (等保 2.0 三权分立): administrators manage units, users, roles and tokens
# but edit no plan data, and only audit administrators (role "auditor") read the whole audit
# log. Off by default: a small office often has one administrator who also plans.
WORKPLAN_SEPARATE_DUTIES = env.flag("WORKPLAN_SEPARATE_DUTIES", default=False)
# Reverse proxies in front of the app whose X-Forwarded-For is believed (0: use REMOTE_ADDR).
WORKPLAN_TRUSTED_PROXIES = env.integer("WORKPLAN_TRUSTED_PROXIES", 0, minimum=0)

# WORKPLAN_ENV=production: HTTPS only (redirect, HSTS, Secure cookies, the proxy's scheme header
# when WORKPLAN_TRUSTED_PROXIES is set), and no start with DEBUG on, a weak or generated
# SECRET_KEY, or no ALLOWED_HOSTS. See docs/security.md.
WORKPLAN_ENV = env.deployment()
if WORKPLAN_ENV == "production":
    env.require_production_safe(debug=DEBUG)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may speak plain HTTP
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    if WORKPLAN_TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
