"""OAI-PMH 2.0 at ``/oai``: the six verbs, ``oai_dc`` and JATS, sets per province and per
section, stateless signed resumption tokens, deleted records kept for good.

Choices:

* Items are articles that have been published; an article taken down becomes a deleted
  record (header ``status="deleted"``, no metadata) and stays so (``deletedRecord``
  ``persistent``). The datestamp is the article's last change (``updated_at``).
* Sets: ``province`` and ``province:<CODE>`` (articles of the province's funded tasks, its
  routing and its authors, as on the province page), ``section`` and ``section:<code>``. A
  well-formed set that does not exist gives ``noRecordsMatch``; a malformed one
  ``badArgument``.
* JATS: OAI-PMH's ``<metadata>`` takes one element from *another* namespace
  (``<any namespace="##other" processContents="strict">``), and JATS 1.3 has none, so the
  stored galley's ``<article>`` is sent with its un-namespaced elements moved into
  ``https://jats.nlm.nih.gov/ns/publishing/1.3/`` (as PMC does for its archiving JATS);
  MathML, XLink and the other namespaces are left as they are.
* Resumption tokens carry the request, the position (last datestamp and id, keyset) and the
  cursor, signed with ``OAI_TOKEN_SECRET`` (or the secret key) and valid for
  ``OAI_TOKEN_LIFETIME`` seconds. The first page pins ``until`` to the time of the request,
  so a list does not shift under a harvester; changes made meanwhile are picked up by the
  next harvest ``from`` this response's date.
* Errors are answered with HTTP 200 and the OAI error code, as the protocol says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from lxml import etree

from crossref.text import clean_line, clean_text

from ..accounts.models import User
from ..extensions import db
from ..provinces import Province, all_provinces, province_by_code
from ..submissions.models import Section, Submission, SubmissionAuthor
from . import articles, galleys
from .discovery import journal
from .records import Article
from .urls import article_url, doi_url, pdf_url, public_url

bp = Blueprint("oai", __name__)

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
JATS_NS = "https://jats.nlm.nih.gov/ns/publishing/1.3/"

FORMATS = {
    "oai_dc": (OAI_DC, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"),
    "jats": (
        JATS_NS,
        "https://jats.nlm.nih.gov/publishing/1.3/xsd/JATS-journalpublishing1-3-mathml3.xsd",
    ),
}

JATS_NOTE = (
    "Metadata format jats: JATS 1.3 Journal Publishing articles. JATS has no namespace of its "
    f"own, so the records put its elements in {JATS_NS} (as PubMed Central does for its "
    f"archiving JATS); they validate against the no-namespace schema {FORMATS['jats'][1]} once "
    "that namespace is removed, or with the schema included into it (a chameleon include). "
    "Ids are prefixed with the article's number (a<number>-) to be unique in a list."
)

# verb: (required arguments, optional arguments, exclusive argument)
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@bp.before_request
def _no_cookies():
    g.cookieless = True


# ------------------------------------------------------------------ helpers


def repository_identifier() -> str:
    configured = current_app.config.get("OAI_REPOSITORY_IDENTIFIER")
    if configured:
        return configured
    host = urlsplit(current_app.config["BASE_URL"]).hostname or ""
    return host if _HOST.match(host) else "mekongjournal.vn"


def oai_identifier(article_id: int) -> str:
    return f"oai:{repository_identifier()}:article/{article_id}"


def parse_identifier(value: str) -> int | None:
    prefix = f"oai:{repository_identifier()}:article/"
    if not value.startswith(prefix):
        return None
    rest = value[len(prefix) :]
    return int(rest) if rest.isdigit() and len(rest) < 12 else None


def datestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(value: str, *, end: bool) -> tuple[datetime, str]:
    """(instant, granularity). ``end``: the instant just after the given day or second."""
    try:
        if _DAY.match(value):
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return (day + timedelta(days=1) if end else day), "day"
        if _SECOND.match(value):
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return (moment + timedelta(seconds=1) if end else moment), "second"
    except ValueError:
        pass
    raise OAIError(
        "badArgument",
        f"'{clean_line(value)[:40]}' is not a date: use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.",
    )


def _serializer() -> URLSafeTimedSerializer:
    config = current_app.config
    return URLSafeTimedSerializer(
        config.get("OAI_TOKEN_SECRET") or config["SECRET_KEY"], salt="oai-pmh-resumption"
    )


def _el(parent, tag: str, text=None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _oai(tag: str) -> str:
    return f"{{{OAI}}}{tag}"


# ------------------------------------------------------------------ requests


def read_arguments() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    verbs = source.getlist("verb")
    if len(verbs) != 1:
        raise OAIError("badVerb", "The verb argument is missing or repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError("badVerb", f"'{clean_line(verb)[:40]}' is not an OAI-PMH verb.")
    required, optional, exclusive = VERBS[verb]
    arguments = {}
    for key in source:
        values = source.getlist(key)
        if len(values) > 1:
            raise OAIError("badArgument", f"The argument '{clean_line(key)[:40]}' is repeated.")
        if key != "verb":
            arguments[key] = values[0]
    allowed = required | optional | ({exclusive} if exclusive else set())
    unknown = sorted(set(arguments) - allowed)
    if unknown:
        raise OAIError("badArgument", f"{verb} does not take '{clean_line(unknown[0])[:40]}'.")
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OAIError("badArgument", f"{exclusive} is an exclusive argument.")
    else:
        missing = sorted(required - set(arguments))
        if missing:
            raise OAIError("badArgument", f"{verb} needs the argument '{missing[0]}'.")
    return {"verb": verb, **arguments}


def _envelope(arguments: dict[str, str] | None) -> etree._Element:
    root = etree.Element(_oai("OAI-PMH"), nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _el(root, _oai("responseDate"), datestamp(datetime.now(UTC)))
    req = _el(root, _oai("request"), public_url("oai.endpoint"))
    for key, value in (arguments or {}).items():
        if _echoable(key, value):
            req.set(key, value)
    return root


# What the protocol's schema accepts in each attribute of <request>: an argument that is
# not so (an illegal metadataPrefix, a malformed date) is not echoed.
_ECHOABLE = {
    "verb": re.compile("^({})$".format("|".join(VERBS))),
    "metadataPrefix": re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$"),
    "identifier": re.compile(r"^[^\s\x00-\x1f<>\"{}|\\^`]{1,500}$"),
    "from": re.compile(f"{_DAY.pattern}|{_SECOND.pattern}"),
    "until": re.compile(f"{_DAY.pattern}|{_SECOND.pattern}"),
    "set": _SET_SPEC,
    "resumptionToken": re.compile(r"^[A-Za-z0-9\-_.:]{1,2000}$"),
}


def _echoable(key: str, value: str) -> bool:
    pattern = _ECHOABLE.get(key)
    return pattern is not None and pattern.match(value) is not None


def _answer(root: etree._Element) -> Response:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Response(body, status=200, content_type="text/xml; charset=utf-8")


@bp.route("/oai", methods=["GET", "POST"])
def endpoint():
    arguments = None
    try:
        arguments = read_arguments()
        root = _envelope(arguments)
        HANDLERS[arguments["verb"]](root, arguments)
    except OAIError as error:
        keep = arguments if error.code not in ("badVerb", "badArgument") else None
        root = _envelope(keep)
        _el(root, _oai("error"), error.message, code=error.code)
    return _answer(root)


# ------------------------------------------------------------------ verbs


def identify(root, arguments) -> None:
    config = current_app.config
    earliest = db.session.execute(
        db.select(db.func.min(Article.updated_at)).where(Article.published_at.is_not(None))
    ).scalar()
    if isinstance(earliest, str):
        earliest = datetime.fromisoformat(earliest)
    if earliest is not None and earliest.tzinfo is None:
        earliest = earliest.replace(tzinfo=UTC)
    element = _el(root, _oai("Identify"))
    _el(element, _oai("repositoryName"), config["OAI_REPOSITORY_NAME"])
    _el(element, _oai("baseURL"), public_url("oai.endpoint"))
    _el(element, _oai("protocolVersion"), "2.0")
    _el(element, _oai("adminEmail"), config["OAI_ADMIN_EMAIL"])
    _el(element, _oai("earliestDatestamp"), datestamp(earliest or EPOCH))
    _el(element, _oai("deletedRecord"), "persistent")
    _el(element, _oai("granularity"), "YYYY-MM-DDThh:mm:ssZ")
    description = _el(element, _oai("description"))
    ident = etree.SubElement(description, f"{{{OAI_ID}}}oai-identifier", nsmap={None: OAI_ID})
    ident.set(
        f"{{{XSI}}}schemaLocation",
        f"{OAI_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
    )
    for tag, value in (
        ("scheme", "oai"),
        ("repositoryIdentifier", repository_identifier()),
        ("delimiter", ":"),
        ("sampleIdentifier", oai_identifier(1)),
    ):
        _el(ident, f"{{{OAI_ID}}}{tag}", value)
    about = _el(element, _oai("description"))
    note = etree.SubElement(about, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})
    note.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    _el(note, f"{{{DC}}}description", JATS_NOTE)


def _record_by_identifier(identifier: str) -> Article:
    article_id = parse_identifier(identifier)
    found = None
    if article_id is not None:
        found = (
            db.session.execute(
                articles.ever_published()
                .where(Article.id == article_id)
                .options(*articles.listing_options())
            )
            .unique()
            .scalar_one_or_none()
        )
    if found is None:
        raise OAIError(
            "idDoesNotExist",
            f"'{clean_line(identifier)[:80]}' is not an identifier of this repository.",
        )
    return found


def list_metadata_formats(root, arguments) -> None:
    if "identifier" in arguments:
        _record_by_identifier(arguments["identifier"])
    element = _el(root, _oai("ListMetadataFormats"))
    for prefix, (namespace, schema) in FORMATS.items():
        fmt = _el(element, _oai("metadataFormat"))
        _el(fmt, _oai("metadataPrefix"), prefix)
        _el(fmt, _oai("schema"), schema)
        _el(fmt, _oai("metadataNamespace"), namespace)


def all_sets() -> list[tuple[str, str]]:
    sets = [("province", "Tỉnh, thành phố / Provinces")]
    sets += [(f"province:{p.code}", f"{p.name_vi} / {p.name_en}") for p in all_provinces()]
    sets.append(("section", "Chuyên mục / Sections"))
    sections = db.session.execute(db.select(Section).order_by(Section.position)).scalars()
    sets += [(f"section:{s.code}", f"{s.name_vi} / {s.name_en}") for s in sections]
    return sets


def list_sets(root, arguments) -> None:
    if "resumptionToken" in arguments:
        raise OAIError(
            "badResumptionToken", "ListSets is answered in one piece: no token was issued."
        )
    element = _el(root, _oai("ListSets"))
    for spec, name in all_sets():
        item = _el(element, _oai("set"))
        _el(item, _oai("setSpec"), spec)
        _el(item, _oai("setName"), name)


def get_record(root, arguments) -> None:
    prefix = arguments["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            f"'{clean_line(prefix)[:40]}' is not a format of this repository.",
        )
    found = _record_by_identifier(arguments["identifier"])
    sets = _set_specs([found])
    element = _el(root, _oai("GetRecord"))
    _record(element, found, prefix, sets[found.id])


@dataclass(frozen=True)
class ListRequest:
    verb: str
    prefix: str
    start: datetime | None
    end: datetime  # exclusive
    set_spec: str | None
    after: tuple[datetime, int] | None
    cursor: int
    from_text: str | None
    until_text: str | None

    def token_data(self, last: Article, cursor: int) -> dict:
        return {
            "v": self.verb,
            "m": self.prefix,
            "f": self.start.isoformat() if self.start else None,
            "u": self.end.isoformat(),
            "s": self.set_spec,
            "a": last.updated_at.astimezone(UTC).isoformat(),
            "i": last.id,
            "c": cursor,
        }


def _list_request(arguments: dict[str, str]) -> ListRequest:
    verb = arguments["verb"]
    if "resumptionToken" in arguments:
        return _from_token(verb, arguments["resumptionToken"])
    prefix = arguments["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            f"'{clean_line(prefix)[:40]}' is not a format of this repository.",
        )
    start = end = None
    granularities = set()
    if "from" in arguments:
        start, granularity = parse_date(arguments["from"], end=False)
        granularities.add(granularity)
    if "until" in arguments:
        end, granularity = parse_date(arguments["until"], end=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity.")
    if start is not None and end is not None and start >= end:
        raise OAIError("badArgument", "from is later than until.")
    set_spec = arguments.get("set")
    if set_spec is not None and not _SET_SPEC.match(set_spec):
        raise OAIError("badArgument", "The set argument is not a well-formed setSpec.")
    now = datetime.now(UTC)
    return ListRequest(
        verb,
        prefix,
        start,
        min(end, now) if end else now,
        set_spec,
        None,
        0,
        arguments.get("from"),
        arguments.get("until"),
    )


def _from_token(verb: str, token: str) -> ListRequest:
    lifetime = int(current_app.config["OAI_TOKEN_LIFETIME"])
    try:
        data = _serializer().loads(token, max_age=lifetime)
        if data["v"] != verb:
            raise OAIError("badResumptionToken", "This resumption token belongs to another verb.")
        return ListRequest(
            verb,
            data["m"],
            datetime.fromisoformat(data["f"]) if data["f"] else None,
            datetime.fromisoformat(data["u"]),
            data["s"],
            (datetime.fromisoformat(data["a"]), int(data["i"])),
            int(data["c"]),
            None,
            None,
        )
    except SignatureExpired:
        raise OAIError(
            "badResumptionToken", "The resumption token has expired: start the list again."
        ) from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise OAIError("badResumptionToken", "The resumption token is not valid.") from None


def _set_condition(set_spec: str | None):
    """A condition on Article/Submission for the set; None for every record; False for a
    set that does not exist."""
    if set_spec is None:
        return None
    kind, _, code = set_spec.partition(":")
    if kind == "province" and not code:
        return Submission.province_id.is_not(None)
    if kind == "section" and not code:
        return Submission.section_id.is_not(None)
    if kind == "province" and re.fullmatch(r"[A-Za-z]{2,8}", code):
        province = province_by_code(code)
        return articles.province_condition(province) if province else False
    if kind == "section" and ":" not in code:
        section = db.session.execute(db.select(Section).filter_by(code=code)).scalar_one_or_none()
        return Submission.section_id == section.id if section else False
    return False


def _list_query(spec: ListRequest):
    query = articles.with_submission(articles.ever_published()).where(Article.updated_at < spec.end)
    if spec.start is not None:
        query = query.where(Article.updated_at >= spec.start)
    condition = _set_condition(spec.set_spec)
    if condition is False:
        return None
    if condition is not None:
        query = query.where(condition)
    return query


def list_items(root, arguments) -> None:
    spec = _list_request(arguments)
    query = _list_query(spec)
    if query is None:
        raise OAIError("noRecordsMatch", "No record is in this set.")
    page_query = query
    if spec.after is not None:
        stamp, last_id = spec.after
        page_query = page_query.where(
            (Article.updated_at > stamp) | ((Article.updated_at == stamp) & (Article.id > last_id))
        )
    size = max(1, int(current_app.config["OAI_PAGE_SIZE"]))
    found = articles.load(page_query.order_by(Article.updated_at, Article.id).limit(size + 1))
    page, more = found[:size], len(found) > size
    if not page:
        if spec.after is None:
            raise OAIError("noRecordsMatch", "No record matches these arguments.")
        raise OAIError(
            "badResumptionToken", "The list has changed since this token was issued: start again."
        )
    sets = _set_specs(page)
    element = _el(root, _oai(spec.verb))
    for article in page:
        if spec.verb == "ListIdentifiers":
            _header(element, article, sets[article.id])
        else:
            _record(element, article, spec.prefix, sets[article.id])
    if more or spec.after is not None:
        _token(element, spec, page, more)


def _token(element, spec: ListRequest, page: list[Article], more: bool) -> None:
    # No completeListSize (optional in the protocol): counting the list would read every
    # matching record on every page, where a page reads only its own.
    attrs = {"cursor": str(spec.cursor)}
    if not more:
        _el(element, _oai("resumptionToken"), "", **attrs)
        return
    lifetime = int(current_app.config["OAI_TOKEN_LIFETIME"])
    expires = datetime.now(UTC) + timedelta(seconds=lifetime)
    token = _serializer().dumps(spec.token_data(page[-1], spec.cursor + len(page)))
    _el(element, _oai("resumptionToken"), token, expirationDate=datestamp(expires), **attrs)


# ------------------------------------------------------------------ records


def _set_specs(found: list[Article]) -> dict[int, list[str]]:
    """The sets each article is in (one query for the authors' provinces)."""
    submission_ids = [a.submission_id for a in found]
    author_provinces: dict[int, set[int]] = {}
    if submission_ids:
        rows = db.session.execute(
            db.select(SubmissionAuthor.submission_id, User.province_id)
            .join(User, User.id == SubmissionAuthor.user_id)
            .where(
                SubmissionAuthor.submission_id.in_(submission_ids), User.province_id.is_not(None)
            )
        )
        for submission_id, province_id in rows:
            author_provinces.setdefault(submission_id, set()).add(province_id)
    codes = {p.id: p.code for p in db.session.execute(db.select(Province)).scalars()}
    result = {}
    for article in found:
        submission = article.submission
        ids = set(author_provinces.get(submission.id, set()))
        if submission.province_id:
            ids.add(submission.province_id)
        if submission.funded_task is not None:
            ids.add(submission.funded_task.province_id)
        specs = []
        if submission.province_id:
            specs.append("province")
        specs += sorted(f"province:{codes[i]}" for i in ids if i in codes)
        if submission.section is not None:
            specs += ["section", f"section:{submission.section.code}"]
        result[article.id] = specs
    return result


def _header(parent, article: Article, sets: list[str]) -> None:
    header = _el(parent, _oai("header"))
    if not article.is_live:
        header.set("status", "deleted")
    _el(header, _oai("identifier"), oai_identifier(article.id))
    _el(header, _oai("datestamp"), datestamp(article.updated_at))
    for spec in sets:
        _el(header, _oai("setSpec"), spec)


def _record(parent, article: Article, prefix: str, sets: list[str]) -> None:
    record = _el(parent, _oai("record"))
    _header(record, article, sets)
    if not article.is_live:
        return
    metadata = _el(record, _oai("metadata"))
    if prefix == "oai_dc":
        metadata.append(oai_dc(article))
    else:
        metadata.append(jats(article))


def oai_dc(article: Article) -> etree._Element:
    submission = article.submission
    info = journal()
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def dc(tag: str, value, lang: str | None = None) -> None:
        text = clean_text(value).strip() if tag == "description" else clean_line(value)
        if text:
            element = _el(root, f"{{{DC}}}{tag}", text)
            if lang:
                element.set(XML_LANG, lang)

    langs = [submission.language, "en" if submission.language == "vi" else "vi"]
    for lang in langs:
        dc("title", getattr(submission, f"title_{lang}"), lang)
    for author in submission.authors:
        dc("creator", author.full_name)
    for lang in langs:
        for keyword in submission.keywords(lang):
            dc("subject", keyword, lang)
    for lang in langs:
        dc("description", getattr(submission, f"abstract_{lang}"), lang)
    dc("publisher", info.publisher)
    if submission.funded_task is not None:
        task = submission.funded_task
        dc("contributor", f"{task.agency} ({task.code})")
    dc("date", article.published_at.strftime("%Y-%m-%d"))
    dc("type", "Text")
    dc("type", "info:eu-repo/semantics/article")
    dc("format", "application/pdf")
    dc("identifier", article_url(article))
    dc("identifier", doi_url(article.doi))
    dc("identifier", pdf_url(article))
    source = info.title(submission.language)
    issue = article.issue if article.issue is not None and article.issue.is_published else None
    if issue is not None:
        source += f"; Vol. {issue.volume} No. {issue.number} ({issue.year})"
        if article.first_page:
            source += f": {article.pages}"
    dc("source", source)
    for issn in info.issns:
        dc("source", issn)
    dc("language", {"vi": "vie", "en": "eng"}.get(submission.language, submission.language))
    if submission.province is not None:
        dc("coverage", f"{submission.province.name_vi}, Việt Nam", "vi")
    dc("rights", "https://creativecommons.org/licenses/by/4.0/")
    return root


def jats(article: Article) -> etree._Element:
    """The galley's JATS ``<article>``, its un-namespaced elements in the JATS namespace."""
    source = galleys.public_jats_article(article.galley)
    for element in source.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{JATS_NS}}}{element.tag}"
    root = etree.Element(
        f"{{{JATS_NS}}}article",
        nsmap={
            None: JATS_NS,
            "xsi": XSI,
            **{k: v for k, v in source.nsmap.items() if k is not None},
        },
    )
    for key, value in source.attrib.items():
        root.set(key, value)
    root.set(f"{{{XSI}}}schemaLocation", f"{JATS_NS} {FORMATS['jats'][1]}")
    root.text = source.text
    for child in source:
        root.append(child)
    _own_ids(root, f"a{article.id}-")
    etree.cleanup_namespaces(root)
    return root


# Attributes that name ids (IDREF, IDREFS) in JATS.
ID_REFERENCES = ("rid", "headers")


def _own_ids(root: etree._Element, prefix: str) -> None:
    """Every id of the record (``aff1``, ``cor1``, ``award1``…) and every reference to one
    made unique in the response: a list holds many records, and an id is unique in a
    document."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if "id" in element.attrib:
            element.set("id", prefix + element.get("id"))
        for name in ID_REFERENCES:
            if name in element.attrib:
                element.set(name, " ".join(prefix + ref for ref in element.get(name).split()))


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_items,
    "ListRecords": list_items,
}
