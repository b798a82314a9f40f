import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
# whitenoise serves static files from a synchronous iterator; under ASGI Django wraps it
# correctly but warns on every file.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")
application = get_asgi_application()
