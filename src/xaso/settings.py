"""Platform settings, read from the environment with safe defaults for the embedded mode.

Everything a deployment changes is an environment variable:

- ``DATABASE_URL``   default: SQLite file ``$XASO_DATA_DIR/xaso.sqlite3`` (WAL, busy timeout)
- ``XASO_DATA_DIR``  default: ``var/`` of the checkout — uploads, keys, indexes
- ``XASO_SECRET_KEY`` default: generated once into ``$XASO_DATA_DIR/secret.key``
- ``XASO_FIELD_KEY`` key(s) for personal-data encryption; default generated into
  ``$XASO_DATA_DIR/field.key`` (never committed)
- ``XASO_DEBUG``     ``1`` for development only
- ``XASO_ALLOWED_HOSTS`` comma list, default ``*`` in the embedded mode
- ``XASO_TASKS``     ``db`` (default: in-database queue, needs ``xaso db_worker``) or ``immediate``
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = BASE_DIR.parent.parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


DATA_DIR = Path(os.environ.get("XASO_DATA_DIR") or CHECKOUT_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _key_from_file(name: str, make) -> str:
    """A local secret kept under DATA_DIR, created on first use (mode 600)."""
    path = DATA_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


DEBUG = _flag("XASO_DEBUG")
SECRET_KEY = os.environ.get("XASO_SECRET_KEY") or _key_from_file(
    "secret.key", lambda: secrets.token_urlsafe(50)
)
# Field-encryption keys: comma-separated base64 keys, the first one encrypts, all decrypt.
FIELD_KEYS = os.environ.get("XASO_FIELD_KEY") or _key_from_file(
    "field.key", lambda: __import__("base64").urlsafe_b64encode(os.urandom(32)).decode()
)

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("XASO_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("XASO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks_db",
    "xaso.core",
    "xaso.population",
    "xaso.feedback",
    "xaso.publicservices",
    "xaso.assistant",
    "xaso.omc",
    "xaso.twin",
    "xaso.community",
    "xaso.skills",
    "xaso.assessment",
    "xaso.opendata",
    "xaso.sensors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xaso.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "xaso.core.middleware.RequestContextMiddleware",
    "xaso.core.middleware.BusinessErrorMiddleware",
]

ROOT_URLCONF = "xaso.urls"
ASGI_APPLICATION = "xaso.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "xaso.core.context_processors.platform",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "xaso.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
# Connections are kept between requests (each server thread keeps its own) and checked
# before reuse: opening SQLite and running the PRAGMAs below on every request cost more than
# most views (docs/benchmarks.md §4).
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456; PRAGMA cache_size=-64000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_URL_PATH = "/dang-nhap/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["xaso.formats"]

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("XASO_STATIC_ROOT") or DATA_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"
# Uploads larger than this are refused before they are parsed (Excel imports, photos).
XASO_MAX_UPLOAD_BYTES = int(os.environ.get("XASO_MAX_UPLOAD_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security headers -----------------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "worker-src": [CSP.SELF, "blob:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Tasks ----------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("XASO_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Logging: never log request bodies or personal data --------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Addresses of the ward's kiosks (comma list, CIDR allowed): their reports get channel "kiosk".
XASO_KIOSK_IPS = [a.strip() for a in os.environ.get("XASO_KIOSK_IPS", "").split(",") if a.strip()]
# Who answers questions about the Open311 API (shown in its discovery document).
XASO_OPEN311_CONTACT = os.environ.get(
    "XASO_OPEN311_CONTACT", "Bộ phận một cửa của UBND xã/phường — quản trị hệ thống xaso"
)
