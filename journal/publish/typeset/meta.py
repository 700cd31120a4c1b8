"""Plain data for an article's front matter: what the database knows and pandoc does not.

The typesetting pipeline takes these dataclasses and never looks at a model; the production
service adapts a submission to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LANGUAGES = ("vi", "en")

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
RUNNING_HEAD_MAX = 70


@dataclass(frozen=True)
class JournalIdentity:
    journal_id: str
    title_vi: str
    title_en: str
    issn: str | None = None
    eissn: str | None = None
    publisher: str = ""
    publisher_loc: str = ""
    abbrev_title: str | None = None


@dataclass(frozen=True)
class Author:
    surname: str
    given_names: str = ""
    affiliation: str = ""
    orcid: str | None = None  # the full https://orcid.org/… form
    email: str | None = None
    corresponding: bool = False
    # Vietnamese names are written family name first.
    name_style: str = "eastern"

    @classmethod
    def from_full_name(cls, full_name: str, *, eastern: bool = True, **kwargs) -> Author:
        parts = full_name.split()
        if not parts:
            raise ValueError("an author needs a name")
        if eastern:
            return cls(surname=parts[0], given_names=" ".join(parts[1:]), **kwargs)
        return cls(
            surname=parts[-1], given_names=" ".join(parts[:-1]), name_style="western", **kwargs
        )

    @property
    def display_name(self) -> str:
        if not self.given_names:
            return self.surname
        if self.name_style == "eastern":
            return f"{self.surname} {self.given_names}"
        return f"{self.given_names} {self.surname}"


@dataclass(frozen=True)
class Funding:
    """The funded S&T task (nhiệm vụ KH&CN) an article reports."""

    agency: str  # the funding source, e.g. the province's DOST
    task_code: str  # the award id
    programme: str = ""
    province: str = ""
    task_title: str = ""


@dataclass(frozen=True)
class History:
    received: date | None = None
    revised: date | None = None
    accepted: date | None = None


@dataclass(frozen=True)
class ArticleMeta:
    journal: JournalIdentity
    language: str  # the article's language: "vi" or "en"
    title_vi: str
    title_en: str
    abstract_vi: str
    abstract_en: str
    authors: tuple[Author, ...]
    keywords_vi: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    doi: str | None = None
    pub_date: date | None = None
    volume: str | None = None
    issue: str | None = None
    fpage: str | None = None
    lpage: str | None = None
    history: History = field(default_factory=History)
    funding: Funding | None = None
    licence_url: str = CC_BY_4
    copyright_holder: str = ""  # default: the authors
    section: str = ""
    # The running head of the PDF's pages; None: the title, shortened at a word when long.
    short_title: str | None = None

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ValueError(f"article language must be one of {LANGUAGES}")
        if not self.authors:
            raise ValueError("an article needs at least one author")

    @property
    def other_language(self) -> str:
        return "en" if self.language == "vi" else "vi"

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    @property
    def running_head(self) -> str:
        """A short title for the pages' running heads: the one given, or the title cut at a
        word boundary within ``RUNNING_HEAD_MAX`` characters."""
        title = " ".join((self.short_title or self.title(self.language)).split())
        if len(title) <= RUNNING_HEAD_MAX:
            return title
        cut = title[: RUNNING_HEAD_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:–-")
        return f"{cut}…"

    def abstract(self, lang: str) -> str:
        return self.abstract_vi if lang == "vi" else self.abstract_en

    def keywords(self, lang: str) -> tuple[str, ...]:
        return self.keywords_vi if lang == "vi" else self.keywords_en

    @property
    def year(self) -> int | None:
        return self.pub_date.year if self.pub_date else None
