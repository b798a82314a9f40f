"""The documents public services offers the virtual assistant: one per active procedure, with
what a citizen asks about (documents, time limit, fee) and a source to cite."""

from __future__ import annotations

import math
from collections import Counter

from tests.publicservices.catalogue_helpers import load_shipped, procedure, shipped
from xaso.core.choices import Role
from xaso.core.registry import assistant_sources
from xaso.core.text import fold_words
from xaso.publicservices.catalogue import load_catalogue
from xaso.publicservices.services.catalogue import edit_procedure

DOCUMENT_KEYS = {
    "id",
    "title",
    "text",
    "sections",
    "keywords",
    "url",
    "source",
    "unit_id",
    "updated_at",
}


def documents() -> list[dict]:
    return assistant_sources.get("publicservices.procedures").payload()


def test_registered_as_an_assistant_source():
    registration = assistant_sources.get("publicservices.procedures")
    assert registration.app == "publicservices"
    assert registration.meta["label"] == "Danh mục thủ tục hành chính"
    assert registration.meta["changed_event"] == "publicservices.procedure_changed"


def test_one_document_per_active_procedure(ward):
    load_shipped()
    docs = documents()
    assert len(docs) == len(load_catalogue())
    assert all(set(doc) == DOCUMENT_KEYS for doc in docs)
    assert len({doc["id"] for doc in docs}) == len(docs)

    edit_procedure(
        ward.user(Role.COMMUNE_OFFICIAL),
        procedure=procedure("dang-ky-khai-tu"),
        data=shipped("dang-ky-khai-tu"),
        note="Bãi bỏ",
        active=False,
    )
    assert "procedure:dang-ky-khai-tu" not in {doc["id"] for doc in documents()}


def test_the_birth_registration_document_answers_what_to_bring(db):
    load_shipped()
    doc = next(d for d in documents() if d["id"] == "procedure:dang-ky-khai-sinh")
    assert doc["title"] == "Đăng ký khai sinh"
    assert doc["url"] == "/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/"
    assert doc["source"].startswith("Danh mục thủ tục hành chính — Đăng ký khai sinh")
    assert "phiên bản 1, áp dụng từ 01/07/2025" in doc["source"]
    assert doc["unit_id"] is None
    sections = {s["heading"]: s["text"] for s in doc["sections"]}
    assert set(sections) >= {"Giấy tờ cần nộp", "Thời hạn giải quyết", "Phí, lệ phí", "Nơi nộp"}
    bring = sections["Giấy tờ cần nộp"]
    assert "Tờ khai đăng ký khai sinh (bản chính, 1 bản)" in bring
    assert "Giấy chứng sinh" in bring
    assert "chỉ khi: Trẻ bị bỏ rơi" in bring
    assert "theo mẫu: Tờ khai đăng ký khai sinh" in bring
    assert sections["Thời hạn giải quyết"].startswith("Trong ngày làm việc")
    assert sections["Phí, lệ phí"].startswith("Miễn lệ phí")
    # Plain text: no markup for the assistant to strip, every part named.
    assert "<" not in doc["text"] and "Giấy tờ cần nộp: Tờ khai" in doc["text"]


def test_a_folded_question_finds_the_right_procedure_first(db):
    """What a first retrieval pass over these documents sees: a citizen's question typed
    without diacritics holds one of the right document's keywords, or shares the most telling
    words with its title, keywords and text."""
    load_shipped()
    docs = documents()
    bags = {
        d["id"]: Counter(fold_words(" ".join([d["title"]] * 3 + d["keywords"] * 3 + [d["text"]])))
        for d in docs
    }
    seen_in = Counter(word for bag in bags.values() for word in bag)
    average = sum(bag.total() for bag in bags.values()) / len(bags)

    def best(question: str) -> str:
        """The document with the longest keyword the question contains, else the best BM25."""
        words = fold_words(question)
        asked = f" {' '.join(words)} "
        phrases = [
            (len(keyword), d["id"])
            for d in docs
            for keyword in (" ".join(fold_words(k)) for k in d["keywords"])
            if f" {keyword} " in asked
        ]
        if phrases:
            return max(phrases)[1]

        def score(doc_id: str) -> float:  # BM25
            bag = bags[doc_id]
            norm = 1.2 * (0.25 + 0.75 * bag.total() / average)
            return sum(
                math.log(1 + (len(docs) - seen_in[w] + 0.5) / (seen_in[w] + 0.5))
                * bag[w]
                * 2.2
                / (bag[w] + norm)
                for w in words
                if w in bag
            )

        return max(bags, key=score)

    assert best("lam giay khai sinh can gi") == "procedure:dang-ky-khai-sinh"
    assert best("đăng ký tạm trú mất bao lâu") == "procedure:dang-ky-tam-tru"
    assert (
        best("chung thuc ban sao le phi bao nhieu") == "procedure:chung-thuc-ban-sao-tu-ban-chinh"
    )
