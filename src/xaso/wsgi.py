"""WSGI entry point: what ``xaso serve`` runs by default (granian's WSGI interface). Django's
views are synchronous; under WSGI each worker thread keeps its database connection, instead of
ASGI's thread and connection per request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
application = get_wsgi_application()
