"""A light hasher for one-time passwords only.

Django's default PBKDF2 (a million rounds, about 0.25 s here) protects passwords people
choose. A one-time password is 12 characters drawn at random from 55 (about 69 bits), so
stretching adds nothing an attacker would notice, while it would make importing 600 users
take minutes. The user replaces it at the first sign-in, and Django re-hashes any password
with the preferred (first) hasher when it checks it, so this one never holds a chosen password.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "otp_pbkdf2_sha256"
    iterations = 1000
