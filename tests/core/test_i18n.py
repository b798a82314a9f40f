"""Vietnamese by default, English on request: the language cookie or the footer switcher, which
is a plain form (no JavaScript) posting to Django's set_language view."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client

import xaso
from tests.factories import PASSWORD
from xaso.core.choices import Role
from xaso.population.services import start_import

CATALOGUE = Path(xaso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
# A word with a letter only Vietnamese uses here (đ, ơ, ư, ă, â, ê, ô, tone marks …).
VIETNAMESE_WORD = re.compile(r"\w*[À-ỹ]\w*")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def english(client):
    client.cookies["django_language"] = "en"
    return client


def switcher(html: str) -> dict[str, str]:
    """The footer's language form: its action and hidden fields."""
    form = re.search(r'<form class="langs"[^>]*action="([^"]+)".*?</form>', html, re.S)
    assert form, "no language switcher on the page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form[0]))
    return {"action": form[1], **fields}


def page_text(html: str) -> str:
    """What a reader sees or hears: text, titles, labels and placeholders."""
    attributes = re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', html)
    body = re.sub(r"<[^>]+>", " ", html)
    return " ".join([body, *attributes])


def test_login_page_is_vietnamese_by_default(client, db):
    html = client.get("/dang-nhap/").content.decode()
    assert '<html lang="vi">' in html and "Đăng nhập" in html and "Mật khẩu" in html
    assert "Sign in" not in html and "Password" not in html
    # The switcher offers both languages and marks the current one.
    assert 'value="vi" lang="vi" aria-current="true">Tiếng Việt</button>' in html
    assert 'value="en" lang="en">English</button>' in html


def test_login_page_in_english_with_the_language_cookie(client, db):
    html = english(client).get("/dang-nhap/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html and "Username" in html and "Password" in html
    assert "Đăng nhập" not in html and "Mật khẩu" not in html and "Tên đăng nhập" not in html
    assert 'value="en" lang="en" aria-current="true">English</button>' in html


def test_switcher_form_changes_the_language_and_returns_to_the_page(ward):
    client = Client(enforce_csrf_checks=True)  # the form must carry its CSRF token
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    html = client.get("/dan-cu/?page=1").content.decode()
    assert "Tổ dân phố / thôn" in html and "<b>3</b> hộ" in html
    form = switcher(html)
    assert form["action"] == "/i18n/setlang/" and form["next"] == "/dan-cu/?page=1"

    response = client.post(form.pop("action"), {**form, "language": "en"})
    assert response.status_code == 302 and response["Location"] == "/dan-cu/?page=1"
    html = client.get(response["Location"]).content.decode()
    assert "Residential groups / villages" in html and "Residential groups</a>" in html
    assert "<b>2</b> groups" in html and "<b>3</b> households" in html
    assert "<b>6</b> residents" in html and "Group leader" in html and "Sign out" in html
    assert "Commune/ward official" in html  # the role, a choice label from Python
    for vietnamese in ("Tổ dân phố / thôn", "Tổ trưởng", "Số hộ", "Nhân khẩu", "Đăng xuất"):
        assert vietnamese not in html

    form = switcher(html)
    response = client.post(form.pop("action"), {**form, "language": "vi"})
    html = client.get(response["Location"]).content.decode()
    assert "Tổ dân phố / thôn" in html and "Residential groups" not in html


def test_choice_labels_follow_the_language_on_a_resident_page(client, ward):
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    url = f"/dan-cu/nhan-khau/{ward.residents[1].id}/"  # Trần Thị Bình, the head's wife
    html = client.get(url).content.decode()
    assert "Nữ" in html and "Vợ/chồng" in html and "Female" not in html
    html = english(client).get(url).content.decode()
    assert "<dd>Female</dd>" in html and "<b>Spouse</b>" in html and "years old" in html
    assert "Nữ" not in html and "Vợ/chồng" not in html and "Giới tính" not in html


def test_english_pages_keep_no_vietnamese_but_the_data(client, ward):
    """Every word with a Vietnamese letter left on an English page is data: names, addresses,
    the commune, or the message an import wrote. A template string missed by the catalogue
    shows up here."""
    official = ward.user(Role.COMMUNE_OFFICIAL)
    job = start_import(official, unit=ward.unit, file_name="a.csv", chunks=[b"x"])
    job.refresh_from_db()
    data = [
        "xã số",  # the platform's name
        "Tiếng Việt",  # the switcher names each language in that language
        ward.unit.name,
        job.message,
        job.phase,
        *(g.name for g in ward.groups),
        *(f"{h.address} {h.street}" for h in ward.households),
        *(r.full_name for r in ward.residents),
    ]
    allowed = set(VIETNAMESE_WORD.findall(" ".join(data)))
    group, household = ward.groups[0], ward.households[0]
    pages = [
        "/dang-nhap/",
        "/dan-cu/",
        f"/dan-cu/to/{group.id}/",
        f"/dan-cu/ho/{household.id}/",
        "/dan-cu/nhan-khau/",
        "/dan-cu/nhan-khau/?q=khong-co-ai",
        f"/dan-cu/nhan-khau/{ward.residents[1].id}/",
        f"/dan-cu/nhan-khau/{ward.residents[2].id}/",  # with a population change
        "/dan-cu/nhap/",
        f"/dan-cu/nhap/{job.id}/",
        "/khong-co-trang-nay/",
    ]
    english(client)
    leftovers = {}
    for url in pages:
        if url == "/dan-cu/":
            login(client, official)  # after the login page, which an official is sent away from
        html = client.get(url).content.decode()
        words = set(VIETNAMESE_WORD.findall(page_text(html))) - allowed
        if words:
            leftovers[url] = sorted(words)
    assert not leftovers


def test_english_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata["Language"] == "en"
    assert len(catalogue) > 150
    assert not catalogue.untranslated_entries() and not catalogue.fuzzy_entries()
    for entry in catalogue.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # Really translated, with the same placeholders.
            assert text != entry.msgid
            placeholders = set(re.findall(r"%\(\w+\)s", text))
            assert placeholders == set(re.findall(r"%\(\w+\)s", entry.msgid)), entry.msgid


@pytest.mark.parametrize(
    "language, title", [("vi", "Không tìm thấy trang"), ("en", "Page not found")]
)
def test_error_pages_follow_the_language(client, db, language, title):
    client.cookies["django_language"] = language
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and f"<h1>{title}</h1>" in response.content.decode()


def test_browser_language_does_not_override_vietnamese(client, db):
    """A phone set to English still gets Vietnamese until the user picks English."""
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in page.content.decode()
    assert page["Content-Language"] == "vi"
