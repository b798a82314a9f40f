"""Benchmark-only settings (``open311-variants``): xaso's own, with database connections kept
between requests instead of one connection per request. Not used by the platform."""

from xaso.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
