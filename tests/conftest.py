"""Shared fixtures: the official unit list loaded once, two communes with groups, and users of
every role. Tests run on SQLite, and on PostgreSQL when DATABASE_URL is set."""

from pathlib import Path

import pytest

from tests.factories import Ward, make_ward


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """`make setup` compiles the .po catalogues; a bare `pytest` on a fresh checkout does it here,
    before any page is rendered (Django reads a catalogue once per process)."""
    import polib

    import xaso

    for po in (Path(xaso.__file__).parent / "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            polib.pofile(str(po)).save_as_mofile(str(mo))


@pytest.fixture(autouse=True)
def _fresh_holidays():
    """Each test reads the holiday list its own transaction holds (processes cache it)."""
    from xaso.core.selectors import forget_holidays

    forget_holidays()
    yield
    forget_holidays()


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from xaso.core.services import sync_administrative_units

    with django_db_blocker.unblock():
        sync_administrative_units()


@pytest.fixture
def units(db):
    """The official unit list (reloaded when a transactional test flushed it)."""
    from xaso.core.models import AdministrativeUnit
    from xaso.core.services import sync_administrative_units

    if not AdministrativeUnit.objects.exists():
        sync_administrative_units()


@pytest.fixture
def ward(units) -> Ward:
    """Phường Xuân Đỉnh with two groups, households, residents and users of every role."""
    return make_ward("00611", prefix="xd")


@pytest.fixture
def other_ward(units) -> Ward:
    """Phường Giảng Võ, same province: its rows must stay invisible to Xuân Đỉnh's users."""
    return make_ward("00025", prefix="gv")


@pytest.fixture
def far_ward(units) -> Ward:
    """A commune of another province (Hồ Chí Minh City)."""
    from xaso.core.models import AdministrativeUnit

    code = AdministrativeUnit.objects.filter(parent__code="79").order_by("code").first().code
    return make_ward(code, prefix="hcm")
