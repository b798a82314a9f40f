"""Feedback fixtures: a ward with departments, default categories and group boundaries."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from tests.factories import Ward
from xaso.core.choices import Role
from xaso.core.models import Department
from xaso.core.seed import group_boundary
from xaso.core.services import create_department
from xaso.feedback import geo
from xaso.feedback.models import Category
from xaso.feedback.services import install_default_categories

CENTRE = (21.0735, 105.7895)


@dataclass
class FeedbackWard:
    ward: Ward
    departments: dict[str, Department]
    categories: dict[str, Category]

    @property
    def unit(self):
        return self.ward.unit

    def user(self, role: str):
        return self.ward.user(role)

    def point_in_group(self, index: int) -> tuple[float, float]:
        """(lat, lon) at the centre of the cell of group ``index``."""
        ring = self.ward.groups[index].boundary["coordinates"][0]
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def make_feedback_ward(ward: Ward, centre=CENTRE) -> FeedbackWard:
    departments = {d.code: d for d in Department.objects.filter(unit=ward.unit)}
    for code, name in [("KT", "Phòng Kinh tế, Hạ tầng và Đô thị"), ("VP", "Văn phòng")]:
        departments[code] = create_department(None, unit=ward.unit, code=code, name=name)
    staff = ward.user(Role.DEPARTMENT_STAFF)
    staff.department = departments["KT"]
    staff.save(update_fields=["department"])
    departments["KT"].head = ward.user(Role.COMMUNE_OFFICIAL)
    departments["KT"].save(update_fields=["head"])
    for index, group in enumerate(ward.groups):
        group.boundary = group_boundary(centre, index, len(ward.groups))
        group.save(update_fields=["boundary"])
    geo.forget()
    install_default_categories(None, unit=ward.unit)
    categories = {c.code: c for c in Category.objects.filter(unit=ward.unit)}
    return FeedbackWard(ward, departments, categories)


@pytest.fixture
def fw(ward) -> FeedbackWard:
    return make_feedback_ward(ward)


@pytest.fixture
def other_fw(other_ward) -> FeedbackWard:
    return make_feedback_ward(other_ward, centre=(21.0265, 105.8175))


def jpeg_bytes(size=(640, 480), color=(200, 80, 40), exif_gps=False) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x0110] = "Phone Model X"  # camera model
        exif[0x0112] = 6  # orientation: rotate 90° when shown
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
