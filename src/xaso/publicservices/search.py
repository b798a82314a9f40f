"""Documents public services offers the virtual assistant (trợ lý ảo): one per procedure of the
catalogue, registered in ``core.registry.assistant_sources`` as ``publicservices.procedures``.

The assistant imports no domain app, so a document is a plain dict:

``id``
    stable across versions: ``procedure:<code>``;
``title``
    the procedure's name;
``text``
    plain Vietnamese sentences with their diacritics and no markup — each part introduced by its
    name ("Giấy tờ cần nộp: …") — so that folding (``core.text.fold``) and splitting into words
    gives the terms a citizen types with or without diacritics;
``sections``
    the same text part by part, ``[{"heading", "text"}]``, for an answer that quotes one part
    ("làm giấy khai sinh cần gì" → the documents);
``keywords``
    the words citizens use for it (weigh them like the title);
``url``
    the page to cite (a path; the assistant makes it absolute);
``source``
    the citation label: catalogue, procedure, version and effective date;
``unit_id``
    None: the catalogue is the same for every commune;
``updated_at``
    ISO time of the version, to re-index only what changed.

The assistant re-reads the documents when the ``publicservices.procedure_changed`` event
(``core.events``) names a procedure.
"""

from __future__ import annotations

from django.urls import reverse

from xaso.publicservices import selectors
from xaso.publicservices.labels import (
    channel_labels,
    document_kind,
    fee_text,
    online_level_label,
    time_limit_text,
)
from xaso.publicservices.models import Procedure

SOURCE_CODE = "publicservices.procedures"
SOURCE_LABEL = "Danh mục thủ tục hành chính"
CHANGE_EVENT = "publicservices.procedure_changed"


def procedure_documents() -> list[dict]:
    """One document per active procedure of the catalogue."""
    return [
        procedure_document(p)
        for p in selectors.procedures(with_description=True).order_by("field_name", "name")
    ]


def procedure_document(procedure: Procedure) -> dict:
    data = procedure.data
    sections = [
        ("Thủ tục để làm gì", data["purpose"]),
        ("Ai được nộp", _sentence_list(data["applicants"])),
        ("Giấy tờ cần nộp", _documents(data["documents"])),
        (
            "Nơi nộp",
            f"{data['authority']}. Cách nộp: {', '.join(channel_labels(data['channels']))}.",
        ),
        ("Mức độ trực tuyến", online_level_label(data["online_level"])),
        (
            "Thời hạn giải quyết",
            _with_note(time_limit_text(data["time_limit"]), data["time_limit"]),
        ),
        ("Phí, lệ phí", _with_note(fee_text(data["fee"]), data["fee"])),
        ("Các bước", " ".join(f"Bước {n}: {step}" for n, step in enumerate(data["steps"], 1))),
        ("Kết quả", data["result"]),
    ]
    if data.get("notes"):
        sections.append(("Lưu ý", " ".join(data["notes"])))
    legal = "; ".join(
        item["code"] + (f" ({item['article']})" if item.get("article") else "")
        for item in data["legal_basis"]
    )
    sections.append(("Căn cứ pháp lý", legal))
    effective = procedure.effective_date.strftime("%d/%m/%Y")
    return {
        "id": f"procedure:{procedure.code}",
        "title": procedure.name,
        "text": "\n".join(f"{heading}: {text}" for heading, text in sections),
        "sections": [{"heading": heading, "text": text} for heading, text in sections],
        "keywords": list(data.get("keywords", [])),
        "url": reverse("publicservices:procedure", args=[procedure.code]),
        "source": (
            f"{SOURCE_LABEL} — {procedure.name} (lĩnh vực {procedure.field_name}; phiên bản "
            f"{procedure.version}, áp dụng từ {effective})"
        ),
        "unit_id": None,
        "updated_at": procedure.updated_at.isoformat(),
    }


def _documents(documents: list[dict]) -> str:
    parts = []
    for document in documents:
        text = f"{document['name']} ({document_kind(document['original_or_copy']).lower()}"
        if document["original_or_copy"] != "xuat-trinh":
            text += f", {document['quantity']} bản"
        text += ")"
        if document.get("condition"):
            text += f", chỉ khi: {document['condition']}"
        if document.get("form"):
            text += f"; theo mẫu: {document['form']}"
        if document.get("note"):
            text += f". {document['note']}"
        parts.append(text)
    return "; ".join(parts) + "."


def _sentence_list(items: list[str]) -> str:
    return "; ".join(items) + "."


def _with_note(text: str, part: dict) -> str:
    return f"{text}. {part['note']}" if part.get("note") else f"{text}."


def register() -> None:
    from xaso.core.registry import assistant_sources

    assistant_sources.register(
        SOURCE_CODE,
        procedure_documents,
        app="publicservices",
        label=SOURCE_LABEL,
        changed_event=CHANGE_EVENT,
        public=True,
    )
