"""WSGI entry point, for management tools and plain HTTP hosting; production serves ASGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")

application = get_wsgi_application()
