"""The JSON API under ``/api/v1`` (django-ninja): thin endpoints over the domain services.

Map: ``router.py`` builds the ``NinjaAPI`` and mounts one router per resource from
``endpoints/``; ``auth.py`` (personal tokens and the browser session), ``errors.py`` (one
error shape for everything under ``/api/``), ``pagination.py`` (keyset cursors),
``ratelimit.py`` (a database counter per caller), ``schemas.py`` (shared types). Token
writes are ``services.py``; API-only reads are ``selectors.py``.
"""
