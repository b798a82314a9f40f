from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class ResidenceStatus(models.TextChoices):
    PERMANENT = "permanent", _("Thường trú")
    TEMPORARY = "temporary", _("Tạm trú")
    ABSENT = "absent", _("Tạm vắng")


class Relation(models.TextChoices):
    HEAD = "head", _("Chủ hộ")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con")
    PARENT = "parent", _("Bố/mẹ")
    GRANDCHILD = "grandchild", _("Cháu")
    GRANDPARENT = "grandparent", _("Ông/bà")
    SIBLING = "sibling", _("Anh/chị/em")
    CHILD_IN_LAW = "child_in_law", _("Con dâu/con rể")
    OTHER = "other", _("Khác")


class DigitalSkillsGroup(models.TextChoices):
    """Target groups of the Bình dân học vụ số campaign."""

    NONE = "", _("Chưa xác định")
    OFFICIAL = "official", _("Cán bộ, công chức, viên chức")
    PUPIL = "pupil", _("Học sinh, sinh viên")
    WORKER = "worker", _("Người lao động")
    ELDERLY = "elderly", _("Người cao tuổi")
    OTHER_ADULT = "other_adult", _("Người dân khác")


class ChangeKind(models.TextChoices):
    BIRTH = "birth", _("Sinh")
    DEATH = "death", _("Mất")
    MOVE_IN = "move_in", _("Chuyển đến")
    MOVE_OUT = "move_out", _("Chuyển đi")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang xử lý")
    SUCCEEDED = "succeeded", _("Đã nhập")
    FAILED = "failed", _("Có lỗi, chưa nhập gì")
