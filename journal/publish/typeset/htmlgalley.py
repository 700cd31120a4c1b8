"""The HTML galley, made from the JATS alone (the single source).

The body is mapped element by element to HTML with lxml, then cleaned with nh3 (MathML
allowed, only web and mail links); the page around it is the package's
``templates/publish/galley.html``, rendered with autoescaping. Front matter is shown in both
languages side by side, each block marked with its ``lang``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import quote

import nh3
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from lxml import etree
from markupsafe import Markup

from .safexml import HREF, MML, XML_LANG

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "publish"

# Fixed labels of a published galley: its languages are the article's, not the reader's.
LABELS = {
    "vi": {
        "abstract": "Tóm tắt",
        "keywords": "Từ khóa",
        "references": "Tài liệu tham khảo",
        "notes": "Chú thích",
        "received": "Ngày nhận bài",
        "revised": "Ngày sửa bài",
        "accepted": "Ngày chấp nhận",
        "published": "Ngày xuất bản",
        "volume": "Tập",
        "issue": "Số",
        "pages": "Trang",
        "licence": "Giấy phép",
        "funding": "Tài trợ",
        "corresponding": "Tác giả liên hệ",
        "figure": "Hình",
        "table": "Bảng",
        "article": "Bài báo",
        "cite_as": "Trích dẫn",
    },
    "en": {
        "abstract": "Abstract",
        "keywords": "Keywords",
        "references": "References",
        "notes": "Notes",
        "received": "Received",
        "revised": "Revised",
        "accepted": "Accepted",
        "published": "Published",
        "volume": "Volume",
        "issue": "Issue",
        "pages": "Pages",
        "licence": "Licence",
        "funding": "Funding",
        "corresponding": "Corresponding author",
        "figure": "Figure",
        "table": "Table",
        "article": "Article",
        "cite_as": "Cite as",
    },
}

MATHML_TAGS = {
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "merror",
    "mfenced",
    "semantics",
    "annotation",
    "mmultiscripts",
    "mprescripts",
    "none",
}
HTML_TAGS = {
    "section",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "a",
    "em",
    "strong",
    "sup",
    "sub",
    "code",
    "pre",
    "u",
    "s",
    "span",
    "div",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
    "br",
    "cite",
    "abbr",
}
MATH_ATTRIBUTES = {
    "display",
    "alttext",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "linethickness",
    "width",
    "height",
    "depth",
    "columnalign",
    "rowalign",
    "notation",
    "encoding",
    "form",
    "largeop",
    "movablelimits",
    "symmetric",
    "minsize",
    "maxsize",
    "open",
    "close",
    "separators",
    "scriptlevel",
    "displaystyle",
}
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href", "role"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start", "type"},
    **{tag: MATH_ATTRIBUTES for tag in MATHML_TAGS},
}

INLINE = {
    "bold": "strong",
    "italic": "em",
    "sup": "sup",
    "sub": "sub",
    "monospace": "code",
    "underline": "u",
    "strike": "s",
    "sc": "span",
    "roman": "span",
    "sans-serif": "span",
    "named-content": "span",
    "styled-content": "span",
    "abbrev": "abbr",
    "email": "span",
}
BLOCK = {
    "def-list": "dl",
    "disp-quote": "blockquote",
    "preformat": "pre",
    "code": "pre",
    "boxed-text": "div",
    "statement": "div",
    "verse-group": "div",
    "verse-line": "div",
}
TABLE_PARTS = {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"}


@dataclass
class Side:
    """The front matter in one language."""

    lang: str
    title: str
    abstract: list[str]
    keywords: list[str]
    labels: dict[str, str]


@dataclass
class Contributor:
    name: str
    orcid: str | None
    affiliations: list[str]
    corresponding: bool
    email: str | None


@dataclass
class Front:
    lang: str
    journal_title: dict[str, str]
    sides: list[Side]
    contributors: list[Contributor]
    affiliations: list[tuple[str, str]]
    doi: str | None
    volume: str | None
    issue: str | None
    year: str | None
    fpage: str | None
    lpage: str | None
    dates: list[tuple[str, str, str]]  # kind, ISO 8601, as printed in the article's language
    licence_url: str | None
    licence_text: str
    running_head: str
    copyright: str
    funding: str
    issn: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.sides[0].title

    @property
    def citation(self) -> str:
        """How to cite the article, once it has a DOI: authors (year). Title. Journal,
        volume(issue), pages. DOI address."""
        if not self.doi:
            return ""
        authors = ", ".join(c.name for c in self.contributors)
        text = f"{authors} ({self.year})." if self.year else f"{authors}."
        text += f" {self.title.rstrip('.')}. {self.journal_title[self.lang]}"
        if self.volume:
            text += f", {self.volume}"
            if self.issue:
                text += f"({self.issue})"
        if self.fpage:
            text += f", {self.fpage}" + (f"–{self.lpage}" if self.lpage else "")
        return f"{text}. https://doi.org/{self.doi}"


# Dates as the article's language writes them: 05/03/2026 in Vietnamese, 5 March 2026.
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMMM yyyy"}


def printed_date(iso: str, lang: str) -> str:
    """An ISO 8601 day written the way the article's language writes dates."""
    return format_date(date.fromisoformat(iso), DATE_PATTERNS[lang], locale=lang)


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def read_front(tree: etree._Element) -> Front:
    lang = tree.get(XML_LANG) or "vi"
    other = "en" if lang == "vi" else "vi"
    jm = tree.find("front/journal-meta")
    am = tree.find("front/article-meta")
    journal_title = {
        lang: _text(jm.find("journal-title-group/journal-title")),
        other: _text(jm.find("journal-title-group/trans-title-group/trans-title")),
    }
    abstracts = {
        lang: am.find("abstract"),
        other: am.find("trans-abstract"),
    }
    sides = []
    for code, title in (
        (lang, _text(am.find("title-group/article-title"))),
        (other, _text(am.find("title-group/trans-title-group/trans-title"))),
    ):
        group = next((g for g in am.findall("kwd-group") if g.get(XML_LANG) == code), None)
        sides.append(
            Side(
                lang=code,
                title=title,
                abstract=[_text(p) for p in abstracts[code].findall("p")]
                if abstracts[code] is not None
                else [],
                keywords=[_text(k) for k in group.findall("kwd")] if group is not None else [],
                labels=LABELS[code],
            )
        )
    aff_text = {a.get("id"): _text(a.find("institution")) for a in am.iter("aff")}
    aff_order = list(aff_text)
    contributors = []
    for contrib in am.iter("contrib"):
        name = contrib.find("name")
        surname, given = _text(name.find("surname")), _text(name.find("given-names"))
        if name.get("name-style") == "eastern":
            display = f"{surname} {given}".strip()
        else:
            display = f"{given} {surname}".strip()
        contributors.append(
            Contributor(
                name=display,
                orcid=_text(contrib.find("contrib-id[@contrib-id-type='orcid']")) or None,
                affiliations=[
                    str(aff_order.index(x.get("rid")) + 1)
                    for x in contrib.findall("xref[@ref-type='aff']")
                    if x.get("rid") in aff_text
                ],
                corresponding=contrib.get("corresp") == "yes",
                email=_text(contrib.find("email")) or None,
            )
        )
    dates = []
    for kind in ("received", "rev-recd", "accepted"):
        element = am.find(f"history/date[@date-type='{kind}']")
        if element is not None:
            dates.append(("revised" if kind == "rev-recd" else kind, element.get("iso-8601-date")))
    pub = am.find("pub-date")
    if pub is not None:
        dates.append(("published", pub.get("iso-8601-date")))
    dates = [(kind, iso, printed_date(iso, lang)) for kind, iso in dates]
    licence = am.find("permissions/license")
    return Front(
        lang=lang,
        journal_title=journal_title,
        sides=sides,
        contributors=contributors,
        affiliations=[(str(i + 1), aff_text[a]) for i, a in enumerate(aff_order)],
        doi=_text(am.find("article-id[@pub-id-type='doi']")) or None,
        volume=_text(am.find("volume")) or None,
        issue=_text(am.find("issue")) or None,
        year=_text(pub.find("year")) if pub is not None else None,
        fpage=_text(am.find("fpage")) or None,
        lpage=_text(am.find("lpage")) or None,
        dates=dates,
        licence_url=licence.get(HREF) if licence is not None else None,
        running_head=_text(am.find("title-group/alt-title[@alt-title-type='running-head']"))
        or _text(am.find("title-group/article-title")),
        licence_text=_text(licence.find("license-p")) if licence is not None else "",
        copyright=_text(am.find("permissions/copyright-statement")),
        funding=_text(am.find("funding-group/funding-statement")),
        issn=[_text(i) for i in jm.findall("issn")],
    )


# ------------------------------------------------------------------ body mapping


class BodyWriter:
    """JATS body/back elements → HTML elements."""

    def __init__(self, media_prefix: str, lang: str):
        self.media_prefix = media_prefix
        self.labels = LABELS.get(lang, LABELS["en"])

    def element(self, tag: str, source: etree._Element | None = None, **attrs) -> etree._Element:
        html = etree.Element(tag)
        if source is not None and source.get("id"):
            html.set("id", source.get("id"))
        for key, value in attrs.items():
            if value is not None:
                html.set(key.rstrip("_"), value)
        return html

    def children(self, source: etree._Element, target: etree._Element, depth: int) -> None:
        if source.text:
            self._append_text(target, source.text)
        for child in source:
            if isinstance(child.tag, str):
                converted = self.convert(child, depth)
                for item in converted:
                    target.append(item)
            if child.tail:
                self._append_text(target, child.tail)

    @staticmethod
    def _append_text(target: etree._Element, text: str) -> None:
        if len(target):
            target[-1].tail = (target[-1].tail or "") + text
        else:
            target.text = (target.text or "") + text

    def convert(self, source: etree._Element, depth: int) -> list[etree._Element]:
        tag = source.tag
        if tag.startswith(f"{{{MML}}}"):
            return [self.math(source)]
        if tag == "sec":
            html = self.element("section", source)
            self.section_content(source, html, depth + 1)
            return [html]
        if tag == "title":
            html = self.element(f"h{min(depth + 1, 6)}", source)
            self.children(source, html, depth)
            return [html]
        if tag == "p":
            html = self.element("p", source)
            self.children(source, html, depth)
            return [html]
        if tag in INLINE:
            html = self.element(INLINE[tag], source)
            if tag == "sc":
                html.set("class", "smallcaps")
            self.children(source, html, depth)
            return [html]
        if tag in ("ext-link", "uri"):
            html = self.element("a", source, href=source.get(HREF))
            self.children(source, html, depth)
            return [html]
        if tag == "xref":
            html = self.element("a", None, href="#" + (source.get("rid") or "").split(" ")[0])
            html.set("class", f"xref xref-{source.get('ref-type') or 'other'}")
            self.children(source, html, depth)
            if source.get("ref-type") == "fn":
                sup = self.element("sup")
                sup.append(html)
                return [sup]
            return [html]
        if tag == "list":
            ordered = source.get("list-type") in (
                "order",
                "arabic",
                "alpha-lower",
                "alpha-upper",
                "roman-lower",
                "roman-upper",
            )
            html = self.element("ol" if ordered else "ul", source)
            labelled = any(item.findtext("label") for item in source.findall("list-item"))
            if labelled:  # "3.", "a)", "IV." and continued numbering, as the author wrote
                html.set("class", "labelled")
            for item in source.findall("list-item"):
                li = self.element("li", item)
                self.children(item, li, depth)
                if labelled and item.findtext("label"):
                    _prepend_label(li, item.findtext("label").strip())
                html.append(li)
            return [html]
        if tag == "def-item":
            out = []
            for part in source:
                if part.tag == "term":
                    dt = self.element("dt", part)
                    self.children(part, dt, depth)
                    out.append(dt)
                elif part.tag == "def":
                    dd = self.element("dd", part)
                    self.children(part, dd, depth)
                    out.append(dd)
            return out
        if tag in BLOCK:
            html = self.element(BLOCK[tag], source)
            self.children(source, html, depth)
            return [html]
        if tag == "fig":
            return [self.figure(source, depth)]
        if tag in ("graphic", "inline-graphic"):
            return [self.image(source)]
        if tag == "table-wrap":
            return [self.table_wrap(source, depth)]
        if tag in TABLE_PARTS:
            attrs = {k: source.get(k) for k in ("colspan", "rowspan", "span") if source.get(k)}
            if tag == "th" and source.getparent().tag == "tr":
                attrs["scope"] = "col" if source.getparent().getparent().tag == "thead" else None
            html = self.element(tag, source, **attrs)
            self.children(source, html, depth)
            return [html]
        if tag in ("inline-formula", "disp-formula"):
            return [self.formula(source)]
        if tag in ("alt-text", "tex-math", "label", "caption", "object-id"):
            return []
        if tag == "break":
            return [self.element("br")]
        html = self.element("span" if _is_inline(source) else "div", source)
        self.children(source, html, depth)
        return [html]

    def section_content(self, source: etree._Element, html: etree._Element, depth: int) -> None:
        self.children(source, html, depth)

    def math(self, source: etree._Element) -> etree._Element:
        local = etree.QName(source).localname
        html = etree.Element(local)
        for key, value in source.attrib.items():
            name = etree.QName(key).localname
            if name in MATH_ATTRIBUTES:
                html.set(name, value)
        html.text = source.text
        for child in source:
            if isinstance(child.tag, str):
                converted = self.math(child)
                converted.tail = child.tail
                html.append(converted)
        return html

    def formula(self, source: etree._Element) -> etree._Element:
        display = source.tag == "disp-formula"
        math = next((e for e in source.iter(f"{{{MML}}}math")), None)
        tex = source.find(".//tex-math")
        wrapper = self.element("div" if display else "span", source)
        wrapper.set("class", "disp-formula" if display else "inline-formula")
        if math is not None:
            converted = self.math(math)
            converted.set("display", "block" if display else "inline")
            if tex is not None and tex.text:
                converted.set("alttext", tex.text.strip())
            wrapper.append(converted)
        elif tex is not None:
            code = etree.SubElement(wrapper, "code")
            code.text = tex.text
        label = source.find("label")
        if label is not None and display:
            span = etree.SubElement(wrapper, "span")
            span.set("class", "formula-label")
            span.text = _text(label)
        return wrapper

    def image(self, source: etree._Element) -> etree._Element:
        name = source.get(HREF) or ""
        alt = _text(source.find("alt-text"))
        return self.element("img", source, src=self.media_prefix + quote(name), alt=alt)

    def caption(
        self, source: etree._Element, kind: str, number: int, target: etree._Element, depth: int
    ) -> None:
        label = _text(source.find("label"))
        caption = source.find("caption")
        prefix = etree.SubElement(target, "span")
        prefix.set("class", "caption-label")
        prefix.text = label or f"{self.labels[kind]} {number}."
        caption_text = _text(caption)
        if caption is not None and not re.match(
            rf"^({self.labels[kind]}|{LABELS['en'][kind]}|{LABELS['vi'][kind]})\s*\d",
            caption_text,
            re.I,
        ):
            prefix.tail = " "
        elif caption is not None:
            target.remove(prefix)
        if caption is not None:
            for part in caption:
                if part.tag in ("p", "title"):
                    span = etree.SubElement(target, "span")
                    self.children(part, span, depth)

    def figure(self, source: etree._Element, depth: int) -> etree._Element:
        number = self.counter("fig")
        html = self.element("figure", source)
        html.set("class", "fig")
        for graphic in source.iter("graphic"):
            html.append(self.image(graphic))
        figcaption = etree.SubElement(html, "figcaption")
        self.caption(source, "figure", number, figcaption, depth)
        return html

    def table_wrap(self, source: etree._Element, depth: int) -> etree._Element:
        number = self.counter("table")
        html = self.element("div", source)
        html.set("class", "table-wrap")
        table_source = source.find("table")
        table = self.element("table")
        caption = etree.SubElement(table, "caption")
        self.caption(source, "table", number, caption, depth)
        if table_source is not None:
            self.children(table_source, table, depth)
        html.append(table)
        foot = source.find("table-wrap-foot")
        if foot is not None:
            div = self.element("div", foot)
            div.set("class", "table-foot")
            self.children(foot, div, depth)
            html.append(div)
        for graphic in source.findall("graphic"):
            html.append(self.image(graphic))
        return html

    def counter(self, kind: str) -> int:
        counters = self.__dict__.setdefault("_counters", {})
        counters[kind] = counters.get(kind, 0) + 1
        return counters[kind]

    # ------------------------------------------------------------- back matter

    def references(self, ref_list: etree._Element) -> etree._Element:
        section = self.element("section", None, id="references")
        section.set("class", "references")
        heading = etree.SubElement(section, "h2")
        heading.text = _text(ref_list.find("title")) or self.labels["references"]
        self.reference_items(ref_list, section)
        return section

    def reference_items(self, ref_list: etree._Element, section: etree._Element) -> None:
        """The entries of ``ref_list``, then its nested lists under their own headings."""
        ol = etree.SubElement(section, "ol")
        for ref in ref_list.findall("ref"):
            li = self.element("li", ref)
            citation = ref.find("element-citation")
            if citation is None:
                citation = ref.find("mixed-citation")
                if citation is not None:
                    self.mixed_citation(citation, li)
            else:
                self.element_citation(citation, li)
            ol.append(li)
        for inner in ref_list.findall("ref-list"):
            heading = etree.SubElement(section, "h3")
            heading.text = _text(inner.find("title"))
            start = len(section.findall(".//li")) + 1
            self.reference_items(inner, section)
            section[-1].set("start", str(start))

    def mixed_citation(self, citation: etree._Element, li: etree._Element) -> None:
        for pub_id in list(citation.iter("pub-id")):
            if pub_id.get("pub-id-type") == "doi" and pub_id.text:
                doi = pub_id.text.strip()
                link = etree.Element("ext-link")
                link.set(HREF, "https://doi.org/" + doi)
                link.text = "https://doi.org/" + doi
                link.tail = pub_id.tail
                pub_id.getparent().replace(pub_id, link)
        self.children(citation, li, 2)

    def element_citation(self, citation: etree._Element, li: etree._Element) -> None:
        names = []
        for name in citation.iter("name"):
            given = _text(name.find("given-names"))
            initials = " ".join(part[0] + "." for part in given.split() if part)
            names.append(f"{_text(name.find('surname'))}, {initials}".strip(", "))
        parts: list[tuple[str, str | None]] = []
        if names:
            joined = ", ".join(names)
            parts.append((joined if joined.endswith(".") else joined + ".", None))
        year = _text(citation.find("year"))
        if year:
            parts.append((f"({year}).", None))
        title = _text(citation.find("article-title")) or _text(citation.find("chapter-title"))
        if title:
            parts.append((title.rstrip(".") + ".", None))
        source = _text(citation.find("source"))
        if source:
            parts.append((source, "em"))
        details = []
        if citation.find("volume") is not None:
            details.append(_text(citation.find("volume")))
        if citation.find("issue") is not None:
            details[-1:] = [f"{details[-1] if details else ''}({_text(citation.find('issue'))})"]
        pages = "–".join(
            _text(citation.find(t)) for t in ("fpage", "lpage") if citation.find(t) is not None
        )
        if pages:
            details.append(pages)
        if details:
            parts.append((", ".join(details) + ".", None))
        elif source:
            parts[-1] = (source, "em")
        for text, tag in parts:
            if tag:
                em = etree.SubElement(li, tag)
                em.text = text
                em.tail = " "
            else:
                self._append_text(li, text + " ")
        doi = _text(citation.find("pub-id[@pub-id-type='doi']"))
        if doi:
            a = etree.SubElement(li, "a", href="https://doi.org/" + doi)
            a.text = "https://doi.org/" + doi

    def footnotes(self, groups: list[etree._Element]) -> etree._Element:
        section = self.element("section", None, id="notes")
        section.set("class", "footnotes")
        heading = etree.SubElement(section, "h2")
        heading.text = self.labels["notes"]
        ol = etree.SubElement(section, "ol")
        for group in groups:
            for fn in group.findall("fn"):
                li = self.element("li", fn)
                self.children(fn, li, 2)
                ol.append(li)
        return section


def _is_inline(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag in ("p", "title", "td", "th", "caption", *INLINE)


def _fragment(elements: list[etree._Element]) -> str:
    return "".join(etree.tostring(e, method="html", encoding="unicode") for e in elements)


def sanitise(fragment: str) -> str:
    """nh3 with an allowlist: our HTML and MathML, links to the web and mail only."""
    return nh3.clean(
        fragment,
        tags=HTML_TAGS | MATHML_TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _prepend_label(li: etree._Element, text: str) -> None:
    """The written list label at the start of the item's first paragraph (or the item)."""
    holder = li[0] if len(li) and li[0].tag == "p" else li
    label = etree.Element("span")
    label.set("class", "list-label")
    label.text = text
    label.tail = " " + (holder.text or "").lstrip()
    holder.text = None
    holder.insert(0, label)


BACK_MATTER = ("ack", "app-group", "sec", "notes", "glossary")


def back_matter(writer: BodyWriter, back: etree._Element | None) -> list[etree._Element]:
    """Acknowledgements, appendices and other sections of ``back``, in their order."""
    if back is None:
        return []
    out: list[etree._Element] = []
    for child in back:
        if isinstance(child.tag, str) and child.tag in BACK_MATTER:
            section = writer.element("section", child)
            section.set("class", f"back-{child.tag}")
            writer.children(child, section, 1)
            out.append(section)
    return out


def render_html(
    tree: etree._Element, *, media_prefix: str = "media/", stylesheet_href: str | None = None
) -> str:
    """The HTML galley of an enriched JATS article: one complete, sanitised document."""
    front = read_front(tree)
    writer = BodyWriter(media_prefix, front.lang)
    body = tree.find("body")
    body_html = []
    if body is not None:
        for child in body:
            if isinstance(child.tag, str):
                body_html.extend(writer.convert(child, 0))
    back = tree.find("back")
    notes_html: list[etree._Element] = []
    refs_html: list[etree._Element] = []
    if back is not None:
        ref_list = back.find("ref-list")
        if ref_list is not None:
            refs_html.append(writer.references(ref_list))
        groups = back.findall("fn-group")
        if groups:
            notes_html.append(writer.footnotes(groups))
    back_matter_html = back_matter(writer, back)
    template = _environment().get_template("galley.html")
    return template.render(
        front=front,
        labels=LABELS,
        body=Markup(sanitise(_fragment(body_html))),  # noqa: S704 - cleaned by nh3 just now
        notes=Markup(sanitise(_fragment(notes_html))),  # noqa: S704
        references=Markup(sanitise(_fragment(refs_html))),  # noqa: S704
        back_matter=Markup(sanitise(_fragment(back_matter_html))),  # noqa: S704
        stylesheet_href=stylesheet_href,
    )
