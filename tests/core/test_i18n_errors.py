"""What business rules say follows the reader's language: a refused action, a form's error put
there by a service, a refused import, and what a service writes for someone (a notification)
come in English with the English language cookie and in Vietnamese without it."""

from __future__ import annotations

import html
import re

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.core.test_i18n import CATALOGUE
from tests.feedback.conftest import make_feedback_ward
from xaso.core.choices import Role
from xaso.core.models import Notification
from xaso.feedback import services
from xaso.feedback.choices import ReportStatus

REJECT_WITHOUT_REASON = {
    "vi": "Hãy ghi lý do không tiếp nhận để người dân được biết.",
    "en": "Please write why the report is not accepted, so that the citizen knows.",
}
ASSIGN_A_NEW_REPORT = {
    "vi": "Không thể chuyển xử lý phản ánh đang ở trạng thái “Mới gửi”.",
    "en": "Cannot assign a report whose status is “New”.",
}
NO_LOCATION = {
    "vi": "Hãy cho biết địa điểm: chọn trên bản đồ, dùng vị trí hiện tại hoặc ghi địa chỉ.",
    "en": "Please tell us where: pick it on the map, use your current location or write the "
    "address.",
}
TOO_SHORT = {
    "vi": "Hãy mô tả sự việc (ít nhất 10 ký tự).",
    "en": "Please describe the problem (at least 10 characters).",
}
NOT_A_SPREADSHEET = {
    "vi": "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).",
    "en": "Only Excel (.xlsx) or CSV (.csv) files are accepted.",
}
OTHER = {"vi": "en", "en": "vi"}


@pytest.fixture
def fw(ward):
    return make_feedback_ward(ward)


def reader(client, language: str):
    """The client as a reader of ``language`` (Vietnamese: the default, no cookie)."""
    if language == "en":
        client.cookies["django_language"] = "en"
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def new_report(fw):
    lat, lon = fw.point_in_group(0)
    return services.submit_report(
        None,
        category=fw.categories["den-chieu-sang"],
        description="Đèn đường trước ngõ 40 không sáng ba hôm nay.",
        latitude=lat,
        longitude=lon,
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_refused_action_speaks_the_officials_language(client, fw, language):
    report = new_report(fw)
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    reader(client, language)
    base = f"/phan-anh/quan-ly/{report.code}/"

    page = text(client.post(f"{base}khong-tiep-nhan/", {"reason": ""}))
    assert REJECT_WITHOUT_REASON[language] in page
    assert REJECT_WITHOUT_REASON[OTHER[language]] not in page

    # The refused step and the report's status are translated inside the sentence.
    response = client.post(f"{base}chuyen/", {"department": fw.departments["KT"].pk})
    assert response.status_code == 400
    assert ASSIGN_A_NEW_REPORT[language] in text(response)
    assert ASSIGN_A_NEW_REPORT[OTHER[language]] not in text(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_citizens_form_speaks_the_citizens_language(client, fw, language):
    reader(client, language)
    data = {
        "category": fw.categories["den-chieu-sang"].pk,
        "description": "Đèn đường trước ngõ 40 không sáng ba hôm nay.",
        "address": "",
        "latitude": "",
        "longitude": "",
    }
    # No place: the service refuses, its message sits next to the address field.
    response = client.post("/phan-anh/gui/", data)
    assert response.status_code == 400
    assert NO_LOCATION[language] in text(response)
    assert NO_LOCATION[OTHER[language]] not in text(response)
    # A description too short: the form says so.
    response = client.post("/phan-anh/gui/", {**data, "description": "Hỏng"})
    assert response.status_code == 400
    assert TOO_SHORT[language] in text(response)
    assert TOO_SHORT[OTHER[language]] not in text(response)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_refused_import_speaks_the_officials_language(client, ward, language):
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    reader(client, language)
    upload = SimpleUploadedFile("ho-so.txt", b"not a spreadsheet", content_type="text/plain")
    response = client.post("/dich-vu-cong/ho-so/nhap/", {"file": upload})
    assert response.status_code == 400
    assert NOT_A_SPREADSHEET[language] in text(response)
    assert NOT_A_SPREADSHEET[OTHER[language]] not in text(response)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_stored_texts_stay_vietnamese_whatever_the_officials_language(fw, language):
    """Notifications and public timeline notes are records: kept in the administration's
    language even when the official browses in English (the citizen reads the notes)."""
    report, original = new_report(fw), new_report(fw)
    official, department = fw.user(Role.COMMUNE_OFFICIAL), fw.departments["KT"]
    with translation.override(language):
        services.accept_report(official, report=report)
        services.assign_report(official, report=report, department=department)
        merged = services.merge_report(official, report=original, into=report)
    notification = Notification.objects.get(user=fw.user(Role.DEPARTMENT_STAFF))
    assert notification.title == f"Phản ánh {report.code} được chuyển cho {department.name}"
    assert merged.events.get(kind="merged").note.startswith(f"Trùng với phản ánh {report.code}")


def test_translations_keep_the_named_placeholders():
    """``{name}`` placeholders of messages formatted with ``str.format`` (the catalogue's own
    test checks ``%(name)s``)."""
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        if "python-brace-format" not in entry.flags:
            continue
        wanted = set(re.findall(r"\{\w+\}", entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translated in translations:
            assert set(re.findall(r"\{\w+\}", translated)) == wanted, entry.msgid
