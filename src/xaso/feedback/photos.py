"""Photos of reports: checked, re-encoded, stripped.

Whatever the citizen uploads is decoded by Pillow and written anew as a JPEG under a random
name: a file that is not an image is refused, a script hidden in the name or in metadata never
reaches the disk, and EXIF (GPS position, phone model …) is dropped after its orientation has
been applied to the pixels.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from xaso.core.exceptions import BusinessError

MAX_PHOTOS = 3
MAX_SIDE = 2048
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs


@dataclass(frozen=True)
class CleanPhoto:
    name: str
    content: bytes
    width: int
    height: int


def max_photo_bytes() -> int:
    return getattr(settings, "XASO_MAX_PHOTO_BYTES", 10 * 1024 * 1024)


def clean_photo(upload, *, index: int = 1) -> CleanPhoto:
    """``upload``: a file-like object with ``.size`` (or bytes). Raises BusinessError."""
    size = getattr(upload, "size", None)
    if size is None and isinstance(upload, bytes | bytearray):
        size = len(upload)
        upload = io.BytesIO(upload)
    limit = max_photo_bytes()
    if size is not None and size > limit:
        raise BusinessError(
            _("Ảnh thứ {index} quá lớn ({size} MB); mỗi ảnh tối đa {limit} MB.").format(
                index=index, size=f"{size / 1048576:.0f}", limit=limit // 1048576
            ),
            field="photos",
        )
    try:
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True)
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise BusinessError(
            _("Ảnh thứ {index} không phải là ảnh hợp lệ (chỉ nhận ảnh JPEG, PNG, WebP…).").format(
                index=index
            ),
            field="photos",
        ) from exc
    return CleanPhoto(f"{secrets.token_hex(12)}.jpg", out.getvalue(), width, height)


def clean_photos(uploads) -> list[CleanPhoto]:
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_PHOTOS:
        raise BusinessError(
            ngettext(
                "Chỉ được gửi tối đa {count} ảnh.", "Chỉ được gửi tối đa {count} ảnh.", MAX_PHOTOS
            ).format(count=MAX_PHOTOS),
            field="photos",
        )
    return [clean_photo(u, index=i) for i, u in enumerate(uploads, start=1)]
