"""The front matter pandoc cannot know: journal, bilingual titles and abstracts, authors with
ORCID and affiliations, dates, licence, funding. Built from ``ArticleMeta`` with lxml, in
the element order JATS 1.3 requires."""

from __future__ import annotations

from datetime import date

from lxml import etree

from .meta import ArticleMeta, Author
from .safexml import ALI, HREF, XML_LANG

NSMAP = {"ali": ALI}


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _date(parent: etree._Element, tag: str, value: date, **attrs) -> etree._Element:
    element = _sub(parent, tag, iso_8601_date=value.isoformat(), **attrs)
    _sub(element, "day", f"{value.day:02d}")
    _sub(element, "month", f"{value.month:02d}")
    _sub(element, "year", str(value.year))
    return element


def _paragraphs(parent: etree._Element, text: str) -> None:
    for block in [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")] or [""]:
        if block:
            _sub(parent, "p", " ".join(block.split()))


def enrich(tree: etree._Element, meta: ArticleMeta) -> etree._Element:
    """Replace pandoc's skeleton ``front`` with the article's real front matter."""
    root = tree
    ali_root = etree.Element(root.tag, nsmap={**(root.nsmap or {}), **NSMAP})
    # lxml cannot add a namespace declaration to an existing element: move into a new root.
    for key, value in root.attrib.items():
        ali_root.set(key, value)
    ali_root.text = root.text
    for child in list(root):
        ali_root.append(child)
    root = ali_root
    root.set(XML_LANG, meta.language)
    root.set("dtd-version", "1.3")
    root.set("article-type", root.get("article-type") or "research-article")

    old = root.find("front")
    front = etree.Element("front")
    if old is not None:
        root.replace(old, front)
    else:
        root.insert(0, front)
    _journal_meta(_sub(front, "journal-meta"), meta)
    _article_meta(_sub(front, "article-meta"), meta)
    return root


def _journal_meta(jm: etree._Element, meta: ArticleMeta) -> None:
    journal = meta.journal
    _sub(jm, "journal-id", journal.journal_id, journal_id_type="publisher-id")
    group = _sub(jm, "journal-title-group")
    first, second = meta.language, meta.other_language
    titles = {"vi": journal.title_vi, "en": journal.title_en}
    _sub(group, "journal-title", titles[first], **{XML_LANG: first})
    trans = _sub(group, "trans-title-group", **{XML_LANG: second})
    _sub(trans, "trans-title", titles[second])
    if journal.abbrev_title:
        _sub(group, "abbrev-journal-title", journal.abbrev_title)
    if journal.issn:
        _sub(jm, "issn", journal.issn, publication_format="print")
    if journal.eissn:
        _sub(jm, "issn", journal.eissn, publication_format="electronic")
    publisher = _sub(jm, "publisher")
    _sub(publisher, "publisher-name", journal.publisher or journal.title_vi)
    if journal.publisher_loc:
        _sub(publisher, "publisher-loc", journal.publisher_loc)


def _article_meta(am: etree._Element, meta: ArticleMeta) -> None:
    first, second = meta.language, meta.other_language
    if meta.doi:
        _sub(am, "article-id", meta.doi, pub_id_type="doi")
    if meta.section:
        categories = _sub(am, "article-categories")
        group = _sub(categories, "subj-group", subj_group_type="heading")
        _sub(group, "subject", meta.section)

    titles = _sub(am, "title-group")
    _sub(titles, "article-title", meta.title(first), **{XML_LANG: first})
    trans = _sub(titles, "trans-title-group", **{XML_LANG: second})
    _sub(trans, "trans-title", meta.title(second))
    _sub(titles, "alt-title", meta.running_head, alt_title_type="running-head")

    _contributors(am, meta.authors)
    corresponding = [a for a in meta.authors if a.corresponding and a.email]
    if corresponding:
        notes = _sub(am, "author-notes")
        for n, author in enumerate(corresponding, 1):
            corresp = _sub(notes, "corresp", id=f"cor{n}")
            corresp.text = f"{author.display_name}: "
            _sub(corresp, "email", author.email)

    if meta.pub_date:
        _date(am, "pub-date", meta.pub_date, publication_format="electronic", date_type="pub")
    if meta.volume:
        _sub(am, "volume", meta.volume)
    if meta.issue:
        _sub(am, "issue", meta.issue)
    if meta.fpage:
        _sub(am, "fpage", meta.fpage)
    if meta.lpage:
        _sub(am, "lpage", meta.lpage)

    history = [(k, getattr(meta.history, k)) for k in ("received", "revised", "accepted")]
    if any(value for _, value in history):
        hist = _sub(am, "history")
        for kind, value in history:
            if value:
                _date(hist, "date", value, date_type="rev-recd" if kind == "revised" else kind)

    _permissions(am, meta)

    abstract = _sub(am, "abstract", **{XML_LANG: first})
    _paragraphs(abstract, meta.abstract(first))
    trans_abstract = _sub(am, "trans-abstract", **{XML_LANG: second})
    _paragraphs(trans_abstract, meta.abstract(second))

    for lang in (first, second):
        keywords = meta.keywords(lang)
        if keywords:
            group = _sub(am, "kwd-group", kwd_group_type="author", **{XML_LANG: lang})
            for keyword in keywords:
                _sub(group, "kwd", keyword)

    if meta.funding:
        _funding(am, meta)


def _contributors(am: etree._Element, authors: tuple[Author, ...]) -> None:
    group = _sub(am, "contrib-group")
    affiliations: list[str] = []
    for author in authors:
        if author.affiliation and author.affiliation not in affiliations:
            affiliations.append(author.affiliation)
    corresp_number = 0
    for author in authors:
        attrs = {"contrib-type": "author"}
        if author.corresponding:
            attrs["corresp"] = "yes"
        contrib = etree.SubElement(group, "contrib", attrs)
        if author.orcid:
            _sub(contrib, "contrib-id", author.orcid, contrib_id_type="orcid")
        name = _sub(contrib, "name", name_style=author.name_style)
        _sub(name, "surname", author.surname)
        if author.given_names:
            _sub(name, "given-names", author.given_names)
        if author.email:
            _sub(contrib, "email", author.email)
        if author.affiliation:
            number = affiliations.index(author.affiliation) + 1
            _sub(contrib, "xref", str(number), ref_type="aff", rid=f"aff{number}")
        if author.corresponding and author.email:
            corresp_number += 1
            _sub(contrib, "xref", "*", ref_type="corresp", rid=f"cor{corresp_number}")
    for number, affiliation in enumerate(affiliations, 1):
        aff = _sub(group, "aff", id=f"aff{number}")
        _sub(aff, "label", str(number))
        _sub(aff, "institution", affiliation)


def _permissions(am: etree._Element, meta: ArticleMeta) -> None:
    permissions = _sub(am, "permissions")
    holder = meta.copyright_holder or ", ".join(a.display_name for a in meta.authors)
    year = str(meta.year or date.today().year)
    _sub(permissions, "copyright-statement", f"© {year} {holder}")
    _sub(permissions, "copyright-year", year)
    _sub(permissions, "copyright-holder", holder)
    licence = _sub(permissions, "license", license_type="open-access")
    licence.set(HREF, meta.licence_url)
    _sub(licence, f"{{{ALI}}}license_ref", meta.licence_url)
    p = _sub(licence, "license-p")
    if meta.language == "vi":
        p.text = (
            "Bài báo được phát hành theo giấy phép Creative Commons Ghi công 4.0 Quốc tế "
            "(CC BY 4.0): "
        )
    else:
        p.text = (
            "This article is distributed under the Creative Commons Attribution 4.0 "
            "International licence (CC BY 4.0): "
        )
    link = _sub(p, "ext-link", meta.licence_url, ext_link_type="uri")
    link.set(HREF, meta.licence_url)
    link.tail = "."


def _funding(am: etree._Element, meta: ArticleMeta) -> None:
    funding = meta.funding
    group = _sub(am, "funding-group")
    award = _sub(group, "award-group", id="award1")
    _sub(award, "funding-source", funding.agency)
    _sub(award, "award-id", funding.task_code)
    if funding.task_title:
        _sub(award, "award-name", funding.task_title)
    parts = [funding.agency]
    if funding.province:
        parts.append(funding.province)
    if meta.language == "vi":
        statement = f"Nghiên cứu được tài trợ bởi {', '.join(parts)}, nhiệm vụ {funding.task_code}"
        if funding.programme:
            statement += f", thuộc {funding.programme}"
    else:
        statement = f"Funded by {', '.join(parts)}, task {funding.task_code}"
        if funding.programme:
            statement += f", under the {funding.programme}"
    _sub(group, "funding-statement", statement + ".")
