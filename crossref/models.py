"""Plain data in: what a Crossref (or DOAJ) record says about a journal, an issue, an article
and the deposit batch. No behaviour beyond small derived values; the platform builds these
from its own models."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from .names import NameOrder, split_name
from .text import clean_line

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class JournalInfo:
    """The journal: its titles in both languages, ISSNs and publisher.

    ``language`` is the journal's main language: its title comes first.
    """

    title_vi: str
    title_en: str
    issn_print: str | None = None
    issn_electronic: str | None = None
    abbrev_title: str | None = None
    publisher: str = ""
    language: Language = "vi"

    def titles(self) -> list[tuple[Language, str]]:
        """``(language, title)`` pairs, main language first, empty titles left out."""
        by_lang = {"vi": clean_line(self.title_vi), "en": clean_line(self.title_en)}
        order = [self.language, *(lang for lang in LANGUAGES if lang != self.language)]
        return [(lang, by_lang[lang]) for lang in order if by_lang[lang]]


@dataclass(frozen=True)
class IssueInfo:
    """One issue: volume, number, year, and the date it came out (online)."""

    volume: str | int | None
    number: str | int | None
    year: int
    publication_date: date | None = None


@dataclass(frozen=True)
class Contributor:
    """An author, in order. ``full_name`` is the name as printed on the article.

    The given/family split follows ``crossref.names.split_name`` with ``name_order``, unless
    ``given_name``/``family_name`` are given explicitly. ``orcid`` may be bare
    (``0000-0002-1825-0097``) or a URL; it is deposited in the full ``https://orcid.org/``
    form. Set ``orcid_authenticated`` only for an iD obtained through ORCID sign-in.
    ``affiliations`` are institution names.
    """

    full_name: str
    orcid: str | None = None
    affiliations: tuple[str, ...] = ()
    given_name: str | None = None
    family_name: str | None = None
    name_order: NameOrder = "auto"
    orcid_authenticated: bool = False
    role: Literal["author"] = "author"

    def names(self) -> tuple[str, str]:
        """``(given, family)``; ``given`` may be empty."""
        if self.family_name and clean_line(self.family_name):
            return clean_line(self.given_name), clean_line(self.family_name)
        return split_name(self.full_name, self.name_order)


@dataclass(frozen=True)
class Funding:
    """Who funded the work: the funder, the award (the funded task's code), the programme.

    Crossref's funding data has no place for the programme: it is carried for the other
    outputs (JATS, landing pages) and left out of the deposit. ``funder_id`` is an Open
    Funder Registry DOI URL (``https://doi.org/10.13039/…``) when the funder has one.
    """

    funder_name: str
    award_number: str | None = None
    programme: str | None = None
    funder_id: str | None = None


@dataclass(frozen=True)
class Citation:
    """One reference: a key unique within the article, a DOI and/or the reference as text."""

    key: str
    doi: str | None = None
    unstructured: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """A published article.

    Abstracts are plain text; a blank line separates paragraphs. Markup in any field is
    taken as literal text. ``pdf_url`` is offered to text miners; the licence applies from
    ``licence_start`` or, when that is unset, from the first publication date.
    """

    doi: str
    landing_url: str
    language: Language
    title_vi: str = ""
    title_en: str = ""
    abstract_vi: str = ""
    abstract_en: str = ""
    contributors: tuple[Contributor, ...] = ()
    published_online: date | None = None
    published_print: date | None = None
    first_page: str | int | None = None
    last_page: str | int | None = None
    pdf_url: str | None = None
    funding: tuple[Funding, ...] = ()
    licence_url: str = CC_BY_4
    licence_start: date | None = None
    citations: tuple[Citation, ...] = ()
    keywords_vi: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()

    def title(self, language: Language) -> str:
        return clean_line({"vi": self.title_vi, "en": self.title_en}.get(language, ""))

    def abstract(self, language: Language) -> str:
        return {"vi": self.abstract_vi, "en": self.abstract_en}.get(language, "")

    def keywords(self, language: Language) -> tuple[str, ...]:
        return {"vi": self.keywords_vi, "en": self.keywords_en}.get(language, ())

    def languages(self) -> list[Language]:
        """The article's language first, then the other one."""
        return [self.language, *(lang for lang in LANGUAGES if lang != self.language)]

    def display_title(self) -> str:
        """The title in the article's language, else in the other one, else empty."""
        for lang in self.languages():
            if self.title(lang):
                return self.title(lang)
        return ""

    def first_published(self) -> date | None:
        dates = [d for d in (self.published_online, self.published_print) if d]
        return min(dates) if dates else None


@dataclass(frozen=True)
class DepositBatch:
    """The deposit's head: a unique batch id, a version timestamp, who deposits for whom.

    Crossref keeps a record only if its ``timestamp`` is greater than the one last
    deposited for the DOI, so a re-deposit needs a new batch (``DepositBatch.new``).
    """

    batch_id: str
    timestamp: int
    depositor_name: str
    depositor_email: str
    registrant: str

    @classmethod
    def new(
        cls,
        depositor_name: str,
        depositor_email: str,
        registrant: str,
        *,
        prefix: str = "batch",
        now: datetime | None = None,
    ) -> DepositBatch:
        """A batch stamped ``now`` (UTC) to the millisecond, with a random unique id."""
        now = (now or datetime.now(UTC)).astimezone(UTC)
        timestamp = int(now.strftime("%Y%m%d%H%M%S")) * 1000 + now.microsecond // 1000
        batch_id = f"{prefix}-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:12]}"
        return cls(batch_id, timestamp, depositor_name, depositor_email, registrant)
