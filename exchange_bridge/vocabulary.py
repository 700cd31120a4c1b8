"""The bridge's fixed vocabularies: fields of application, intellectual property statuses,
transfer modes and startup stages.

Fields are shared data given in both languages (like sections and provinces), so that the
listings, the feeds and the delivered JSON name them the same way. The other labels are
interface text, translated with the catalog; deliveries carry only their codes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from journal.search.analysis import fold, normalize


class Field(NamedTuple):
    code: str
    name_vi: str
    name_en: str
    # Folded words and phrases that point to the field in keywords and titles.
    cues: tuple[str, ...]

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


FIELDS: tuple[Field, ...] = (
    Field(
        "agriculture",
        "Nông nghiệp và giống cây trồng",
        "Agriculture and crop breeding",
        (
            "lua",
            "rice",
            "giong",
            "cay trong",
            "crop*",
            "dat",
            "soil",
            "phan bon",
            "fertili*",
            "trai cay",
            "fruit*",
            "nong nghiep",
            "agricultur*",
            "plant*",
        ),
    ),
    Field(
        "aquaculture",
        "Thủy sản",
        "Aquaculture and fisheries",
        (
            "tom",
            "shrimp*",
            "prawn*",
            "thuy san",
            "aquacultur*",
            "fisher*",
            "hai san",
            "nuoi trong",
            "ca tra",
            "fish",
        ),
    ),
    Field(
        "environment",
        "Môi trường và biến đổi khí hậu",
        "Environment and climate change",
        (
            "rung ngap man",
            "mangrove*",
            "bien doi khi hau",
            "climate",
            "sat lo",
            "erosion",
            "moi truong",
            "environment",
            "da dang sinh hoc",
            "biodiversity",
        ),
    ),
    Field(
        "water",
        "Tài nguyên nước và thủy lợi",
        "Water resources and irrigation",
        (
            "xam nhap man",
            "saline intrusion",
            "tai nguyen nuoc",
            "water",
            "thuy van",
            "hydrolog*",
            "thuy loi",
            "irrigation",
            "van hanh cong",
            "sluice",
        ),
    ),
    Field(
        "biotechnology",
        "Công nghệ sinh học",
        "Biotechnology",
        ("cong nghe sinh hoc", "biotechnolog*", "genetic*", "vi sinh", "microb*", "enzyme"),
    ),
    Field(
        "food",
        "Công nghệ thực phẩm và sau thu hoạch",
        "Food technology and post-harvest",
        (
            "thuc pham",
            "food",
            "sau thu hoach",
            "post harvest",
            "postharvest",
            "che bien",
            "processing",
            "bao quan",
            "storage",
        ),
    ),
    Field(
        "energy",
        "Năng lượng",
        "Energy",
        ("nang luong", "energy", "dien mat troi", "solar", "biogas", "sinh khoi", "biomass"),
    ),
    Field(
        "health",
        "Y dược và sức khỏe",
        "Health and medicine",
        ("y te", "health", "duoc", "pharma*", "benh", "disease*", "medicin*"),
    ),
    Field(
        "ict",
        "Công nghệ thông tin và chuyển đổi số",
        "Information technology and digital transformation",
        (
            "cong nghe thong tin",
            "software",
            "phan mem",
            "chuyen doi so",
            "digital",
            "iot",
            "du lieu",
            "data",
        ),
    ),
    Field(
        "engineering",
        "Kỹ thuật, cơ khí và vật liệu",
        "Engineering, machinery and materials",
        (
            "co khi",
            "machin*",
            "vat lieu",
            "material*",
            "thiet bi",
            "equipment",
            "ky thuat",
            "engineering",
        ),
    ),
    Field(
        "socioeconomic",
        "Kinh tế – xã hội",
        "Economics and society",
        (
            "kinh te",
            "econom*",
            "xa hoi",
            "social",
            "sinh ke",
            "livelihood",
            "hieu qua kinh te",
            "profitab*",
            "chinh sach",
            "policy",
        ),
    ),
    Field("other", "Lĩnh vực khác", "Other fields", ()),
)
FIELD_CODES = tuple(f.code for f in FIELDS)
FIELDS_BY_CODE = {f.code: f for f in FIELDS}

IP_STATUSES = {
    "not_protected": _l("Not protected (know-how, published)"),
    "patent_pending": _l("Patent or utility solution applied for"),
    "patent": _l("Patent granted"),
    "utility_solution": _l("Utility solution granted"),
    "plant_variety": _l("Plant variety protection"),
    "copyright": _l("Copyright (software, documents)"),
    "trade_secret": _l("Trade secret"),
}

TRANSFER_MODES = {
    "licence": _l("Licence"),
    "transfer": _l("Transfer of ownership"),
    "joint_development": _l("Joint development"),
}

STARTUP_STAGES = {
    "idea": _l("Idea"),
    "prototype": _l("Prototype"),
    "early_revenue": _l("First customers"),
    "growth": _l("Growth"),
}

TRL_LABELS = {
    1: _l("1 – Basic principles observed"),
    2: _l("2 – Technology concept formulated"),
    3: _l("3 – Experimental proof of concept"),
    4: _l("4 – Validated in the laboratory"),
    5: _l("5 – Validated in a relevant environment"),
    6: _l("6 – Demonstrated in a relevant environment"),
    7: _l("7 – Prototype demonstrated in operation"),
    8: _l("8 – System complete and qualified"),
    9: _l("9 – Proven in operation"),
}


def field_name(code: str, locale: str) -> str:
    found = FIELDS_BY_CODE.get(code)
    return found.name(locale) if found else ""


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(normalize(text or ""))))


def detect_fields(*texts: str) -> list[str]:
    """Field codes whose cues occur in ``texts`` (keywords, titles), the most cued first.
    Cues match at the start of a word ("fisher*" finds "fisheries")."""
    haystack = " " + " ".join(_folded(t) for t in texts) + " "
    counts = []
    for position, found in enumerate(FIELDS):
        hits = sum(haystack.count(" " + cue) for cue in found.cues)
        if hits:
            counts.append((-hits, position, found.code))
    return [code for _hits, _position, code in sorted(counts)]


def _count(haystack: str, cue: str) -> int:
    if cue.endswith("*"):
        return haystack.count(" " + cue[:-1])
    return haystack.count(f" {cue} ")


# The outbox's machine values (models.DELIVERY_STATUSES, DELIVERY_ACTIONS, the kinds of
# listing) as the deliveries page shows them.
DELIVERY_STATUS_LABELS = {
    "pending": _l("Waiting to be sent"),
    "sent": _l("Sent"),
    "dead": _l("Failed for good"),
    "cancelled": _l("Cancelled"),
    "superseded": _l("Replaced by a newer delivery"),
}
DELIVERY_ACTION_LABELS = {"upsert": _l("publish or update"), "delete": _l("remove")}
DELIVERY_KIND_LABELS = {
    "expert": _l("Expert"),
    "technology_offer": _l("Technology offer"),
    "startup": _l("Startup"),
}
