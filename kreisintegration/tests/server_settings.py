"""Settings of the gunicorn servers that fault tests start (kreisintegration/tests/own_services.py).

Production settings (DEBUG off, from the environment) with two test conveniences: static files
without a collected manifest (the tests do not run collectstatic) and fast password hashing.
"""

from kreisintegration.settings import *  # noqa: F403
from kreisintegration.settings import MIDDLEWARE, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MIDDLEWARE = [name for name in MIDDLEWARE if name != "whitenoise.middleware.WhiteNoiseMiddleware"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
