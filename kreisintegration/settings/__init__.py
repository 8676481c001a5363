"""Settings for Kreisintegration, configured entirely by environment variables.

Every variable is listed with a comment in ``.env.example``. Defaults are safe
for development; production is what you get with ``DEBUG=0``.

``DJANGO_SETTINGS_MODULE=kreisintegration.settings`` loads this package; its parts are
``base`` (Django core, database, languages, files), ``portal`` (the portal's own knobs),
``services`` (Redis, Celery, e-mail) and ``security`` (audit log, logins, second factor, rate
limits, sessions, CSP, HTTPS). A part that needs another's value imports it from there.
"""

from kreisintegration.settings.base import *  # noqa: F403
from kreisintegration.settings.portal import *  # noqa: F403
from kreisintegration.settings.security import *  # noqa: F403
from kreisintegration.settings.services import *  # noqa: F403
