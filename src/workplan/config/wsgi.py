"""WSGI entry point for waitress, gunicorn or uWSGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.config.settings")
application = get_wsgi_application()
