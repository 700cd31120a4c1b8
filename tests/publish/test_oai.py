"""OAI-PMH 2.0: every verb, both formats, sets, dates, resumption tokens, deleted records,
every error (HTTP 200, valid XML), and a full harvest with sickle over HTTP."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from werkzeug.serving import make_server

from crossref import validate
from journal import create_app
from journal.extensions import db
from journal.publish import issues
from journal.publish.oai import JATS_NS

from ..conftest import SCHEMAS_DIR, free_port
from ..factories import make_funded_task
from .factories import make_issue, make_published_article

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
T0 = datetime(2025, 5, 10, 9, 30, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def oai_xsd():
    path = SCHEMAS_DIR / "oai" / "oai-pmh-with-oai_dc.xsd"
    if not path.is_file():
        pytest.skip(f"the OAI-PMH schemas are not at {path.parent} (set JOURNAL_SCHEMAS_DIR)")
    return path


@pytest.fixture(scope="module")
def envelope_with_jats_xsd(tmp_path_factory, oai_xsd):
    """OAI-PMH.xsd plus a stand-in for the JATS namespace that accepts any ``article``: the
    envelope is checked with this, the JATS payload separately against JATS 1.3."""
    folder = tmp_path_factory.mktemp("oai-jats")
    (folder / "jats-any.xsd").write_text(
        f"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{JATS_NS}">
  <xs:element name="article"><xs:complexType>
    <xs:sequence><xs:any minOccurs="0" maxOccurs="unbounded" processContents="skip"/></xs:sequence>
    <xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>
</xs:schema>"""
    )
    (folder / "driver.xsd").write_text(
        f"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/"
             schemaLocation="{(oai_xsd.parent / "OAI-PMH.xsd").as_uri()}"/>
  <xs:import namespace="{JATS_NS}" schemaLocation="jats-any.xsd"/>
</xs:schema>"""
    )
    return folder / "driver.xsd"


def without_namespace(article: etree._Element) -> etree._Element:
    """A copy of a record's JATS ``article`` with its elements back in no namespace."""
    plain = etree.fromstring(etree.tostring(article))
    for element in plain.iter():
        if isinstance(element.tag, str) and element.tag.startswith(f"{{{JATS_NS}}}"):
            element.tag = element.tag[len(JATS_NS) + 2 :]
    etree.cleanup_namespaces(plain)
    return plain


def validate_jats_page(body: bytes, envelope_xsd) -> list[str]:
    """A response with JATS records, as an XSD validator of OAI-PMH with JATS would see it:
    the envelope, each record against JATS 1.3, and every id unique in the document."""
    problems = list(validate(body, envelope_xsd))
    root = parse(body)
    jats_xsd = SCHEMAS_DIR / "jats" / "JATS-journalpublishing1-3-mathml3.xsd"
    for article in root.iter(f"{{{JATS_NS}}}article"):
        plain = etree.tostring(without_namespace(article))
        problems += validate(plain, jats_xsd)
    ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
    problems += [f"id {i} repeated" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return problems


@pytest.fixture
def records(app, users):
    """Three live articles (one Kiên Giang task, one short communication) and one taken down."""
    issue = make_issue(6, 1, 2025, published=True)
    task = make_funded_task("KG.2024-05/ĐT", "KG")
    made = [
        make_published_article(users["author"], issue=issue, when=T0, first_page=1, last_page=6),
        make_published_article(users["author"], when=T0 + timedelta(days=1), funded_task=task),
        make_published_article(
            users["author"],
            when=T0 + timedelta(days=2),
            section="short",
            language="en",
            title_en="Shrimp <b>&amp; rice</b>",
        ),
        make_published_article(users["author"], when=T0 + timedelta(days=3)),
    ]
    issues.unpublish_article(made[3], users["editor_in_chief"], "Trùng lặp.")
    return made


def oai(client, method="get", **params):
    response = getattr(client, method)(
        "/oai", **({"query_string": params} if method == "get" else {"data": params})
    )
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    return response.data


def parse(body: bytes) -> etree._Element:
    return etree.fromstring(body)


def error_code(body: bytes) -> str | None:
    found = parse(body).find(f"{OAI}error")
    return found.get("code") if found is not None else None


def identifier(article) -> str:
    return f"oai:journal.example.org:article/{article.id}"


def test_identify(client, records, oai_xsd):
    body = oai(client, verb="Identify")
    assert validate(body, oai_xsd) == []
    root = parse(body)
    ident = root.find(f"{OAI}Identify")
    assert ident.findtext(f"{OAI}baseURL") == "https://journal.example.org/oai"
    assert ident.findtext(f"{OAI}protocolVersion") == "2.0"
    assert ident.findtext(f"{OAI}deletedRecord") == "persistent"
    assert ident.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.findtext(f"{OAI}earliestDatestamp") == "2025-05-10T09:30:15Z"
    assert root.find(f"{OAI}request").attrib == {"verb": "Identify"}


def test_list_metadata_formats_and_sets(client, records, oai_xsd):
    body = oai(client, verb="ListMetadataFormats")
    assert validate(body, oai_xsd) == []
    prefixes = [e.text for e in parse(body).iter(f"{OAI}metadataPrefix")]
    assert prefixes == ["oai_dc", "jats"]
    body = oai(client, verb="ListMetadataFormats", identifier=identifier(records[0]))
    assert validate(body, oai_xsd) == [] and error_code(body) is None
    body = oai(client, verb="ListMetadataFormats", identifier="oai:journal.example.org:article/999")
    assert error_code(body) == "idDoesNotExist" and validate(body, oai_xsd) == []
    body = oai(client, verb="ListSets")
    assert validate(body, oai_xsd) == []
    specs = [e.text for e in parse(body).iter(f"{OAI}setSpec")]
    assert {"province", "province:CT", "province:KG", "section", "section:short"} <= set(specs)


def test_get_record_oai_dc(client, records, oai_xsd):
    article = records[0]
    body = oai(client, verb="GetRecord", identifier=identifier(article), metadataPrefix="oai_dc")
    assert validate(body, oai_xsd) == []
    record = parse(body).find(f".//{OAI}record")
    header = record.find(f"{OAI}header")
    assert header.findtext(f"{OAI}datestamp") == "2025-05-10T09:30:15Z"
    assert [s.text for s in header.findall(f"{OAI}setSpec")] == [
        "province",
        "province:CT",
        "section",
        "section:research",
    ]
    dc = record.find(f"{OAI}metadata")[0]
    titles = [
        (t.get("{http://www.w3.org/XML/1998/namespace}lang"), t.text) for t in dc.iter(f"{DC}title")
    ]
    assert titles == [("vi", article.submission.title_vi), ("en", article.submission.title_en)]
    identifiers = [e.text for e in dc.iter(f"{DC}identifier")]
    assert f"https://doi.org/{article.doi}" in identifiers
    assert dc.findtext(f"{DC}language") == "vie"
    assert "Vol. 6 No. 1 (2025): 1–6" in dc.findtext(f"{DC}source")


def test_get_record_jats(client, records, envelope_with_jats_xsd, typeset_galleys, users):
    article = make_published_article(users["author"], files=typeset_galleys["en"], language="en")
    body = oai(client, verb="GetRecord", identifier=identifier(article), metadataPrefix="jats")
    assert validate(body, envelope_with_jats_xsd) == []
    payload = parse(body).find(f".//{OAI}metadata")[0]
    assert payload.tag == f"{{{JATS_NS}}}article"
    # the payload is the stored galley's <article>: back in no namespace it is valid JATS 1.3
    payload.attrib.pop("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    text = etree.tostring(payload, encoding="unicode")
    assert text.count(f'xmlns="{JATS_NS}"') == 1
    plain = text.replace(f' xmlns="{JATS_NS}"', "").encode()
    jats_xsd = SCHEMAS_DIR / "jats" / "JATS-journalpublishing1-3-mathml3.xsd"
    assert validate(plain, jats_xsd) == []
    stored = etree.fromstring(typeset_galleys["en"].jats)
    assert etree.fromstring(plain).findtext(".//article-title") == stored.findtext(
        ".//article-title"
    )


def test_list_records_pages_with_signed_tokens(client, app, records, oai_xsd):
    app.config.update(OAI_PAGE_SIZE=2)
    body = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    assert validate(body, oai_xsd) == []
    root = parse(body)
    token = root.find(f".//{OAI}resumptionToken")
    assert (token.get("completeListSize"), token.get("cursor")) == (None, "0")
    assert token.get("expirationDate")
    first = [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
    body = oai(client, verb="ListRecords", resumptionToken=token.text)
    assert validate(body, oai_xsd) == []
    root = parse(body)
    last = root.find(f".//{OAI}resumptionToken")
    assert (last.text, last.get("cursor"), last.get("completeListSize")) == (None, "2", None)
    second = [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
    assert first + second == [identifier(a) for a in records]
    deleted = root.findall(f".//{OAI}header[@status='deleted']")
    assert [h.findtext(f"{OAI}identifier") for h in deleted] == [identifier(records[3])]
    assert root.find(f".//{OAI}header[@status='deleted']/../{OAI}metadata") is None


def test_deleted_records_stay_deleted(client, records, oai_xsd):
    body = oai(client, verb="GetRecord", identifier=identifier(records[3]), metadataPrefix="jats")
    assert validate(body, oai_xsd) == []
    header = parse(body).find(f".//{OAI}header")
    assert header.get("status") == "deleted"
    body = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="province:CT")
    statuses = {
        h.findtext(f"{OAI}identifier"): h.get("status") for h in parse(body).iter(f"{OAI}header")
    }
    assert statuses[identifier(records[3])] == "deleted"


SELECTIONS = [
    ({"set": "province:KG"}, [1]),
    ({"set": "section:short"}, [2]),
    ({"set": "province"}, [0, 1, 2, 3]),
    ({"from": "2025-05-11", "until": "2025-05-12"}, [1, 2]),
    ({"from": "2025-05-11T09:30:15Z"}, [1, 2, 3]),
    ({"until": "2025-05-10T09:30:15Z"}, [0]),
    ({"until": "2025-05-10T09:30:14Z"}, []),
    ({"from": "2025-05-11T09:30:16Z", "until": "2025-05-12T09:30:15Z"}, [2]),
]


def test_selective_harvesting(client, records, oai_xsd):
    for params, expected in SELECTIONS:
        body = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **params)
        assert validate(body, oai_xsd) == [], params
        if not expected:
            assert error_code(body) == "noRecordsMatch", params
            continue
        found = [h.findtext(f"{OAI}identifier") for h in parse(body).iter(f"{OAI}header")]
        assert found == [identifier(records[i]) for i in expected], params


def _expired_token(client, app, monkeypatch):
    app.config.update(OAI_PAGE_SIZE=1)
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 2 * 24 * 3600)
    body = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    return parse(body).find(f".//{OAI}resumptionToken").text


ERRORS = [
    ({}, "badVerb"),
    ({"verb": "Dance"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2025-06-01",
            "until": "2025-05-01",
        },
        "badArgument",
    ),
    (
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2025-05-01",
            "until": "2025-06-01T00:00:00Z",
        },
        "badArgument",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-13-45"}, "badArgument"),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-05-01T10:00:00"},
        "badArgument",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "<script>"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "province:ZZ"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2099-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    (
        {
            "verb": "GetRecord",
            "identifier": "oai:journal.example.org:article/1",
            "metadataPrefix": "x",
        },
        "cannotDisseminateFormat",
    ),
    (
        {
            "verb": "GetRecord",
            "identifier": "oai:elsewhere.org:article/1",
            "metadataPrefix": "oai_dc",
        },
        "idDoesNotExist",
    ),
    ({"verb": "GetRecord", "identifier": "<x>&", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": "oai:journal.example.org:article/1"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "forged.token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "resumptionToken": "TAMPERED"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "resumptionToken": "EXPIRED"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "resumptionToken": "OTHERVERB"}, "badResumptionToken"),
]


@pytest.fixture
def two_records(app):
    return [make_published_article(when=T0 + timedelta(hours=i)) for i in range(2)]


def _error_request(client, app, monkeypatch, params):
    token = params.get("resumptionToken")
    if token in ("TAMPERED", "OTHERVERB", "EXPIRED"):
        app.config.update(OAI_PAGE_SIZE=1)
        if token == "EXPIRED":
            return {**params, "resumptionToken": _expired_token(client, app, monkeypatch)}
        body = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
        real = parse(body).find(f".//{OAI}resumptionToken").text
        if token == "TAMPERED":
            real = real[:10] + ("A" if real[10] != "A" else "B") + real[11:]
        return {**params, "resumptionToken": real}  # OTHERVERB: made for ListRecords
    return params


def test_errors_are_oai_errors_with_http_200(client, app, two_records, oai_xsd, monkeypatch):
    for params, code in ERRORS:
        sent = _error_request(client, app, monkeypatch, params)
        response = client.get("/oai", query_string=sent)
        assert response.status_code == 200, params
        assert validate(response.data, oai_xsd) == [], params
        assert error_code(response.data) == code, params
        request = parse(response.data).find(f"{OAI}request")
        if code in ("badVerb", "badArgument"):
            assert request.attrib == {}, params
        assert "<script>" not in response.get_data(as_text=True), params
        app.config.update(OAI_PAGE_SIZE=100)


def test_post_requests_are_answered(client, records, oai_xsd):
    body = oai(client, "post", verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert validate(body, oai_xsd) == [] and len(list(parse(body).iter(f"{OAI}header"))) == 4


def test_hostile_metadata_stays_text(client, app, users, oai_xsd):
    article = make_published_article(
        users["author"],
        title_vi="Tiêu đề \x01 <oai:error code='x'/> &amp;",
        abstract_vi="A\x0bB\x1fC",
    )
    body = oai(client, verb="GetRecord", identifier=identifier(article), metadataPrefix="oai_dc")
    assert validate(body, oai_xsd) == [] and error_code(body) is None
    title = parse(body).find(f".//{DC}title").text
    assert title == "Tiêu đề <oai:error code='x'/> &amp;"


# ------------------------------------------------------------------ harvest with sickle


@pytest.fixture
def served(app, app_config):
    port = free_port()
    config = dict(
        app_config,
        BASE_URL=f"http://127.0.0.1:{port}",
        TRUSTED_HOSTS=["127.0.0.1"],
        OAI_PAGE_SIZE=4,
    )
    served_app = create_app(config)
    server = make_server("127.0.0.1", port, served_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with served_app.app_context():
            db.engine.dispose()  # its pooled connections, closed now rather than at collection


def test_full_harvest_with_sickle(served, app, users, oai_xsd, envelope_with_jats_xsd):
    from sickle import Sickle
    from sickle.iterator import OAIResponseIterator

    for i in range(13):
        make_published_article(users["author"], when=T0 + timedelta(hours=i), commit=False)
    db.session.commit()
    gone = make_published_article(users["author"], when=T0 + timedelta(days=9))
    issues.unpublish_article(gone, users["editor_in_chief"], "Gỡ bỏ.")
    harvester = Sickle(f"{served}/oai", max_retries=0, timeout=20)
    identify = harvester.Identify()
    assert identify.repositoryName == app.config["OAI_REPOSITORY_NAME"]
    harvested = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    assert len(harvested) == 14
    assert len({r.header.identifier for r in harvested}) == 14
    assert [r.header.deleted for r in harvested].count(True) == 1
    live = [r for r in harvested if not r.header.deleted]
    assert all(r.metadata["title"] for r in live)
    jats = list(harvester.ListRecords(metadataPrefix="jats", ignore_deleted=True))
    assert len(jats) == 13
    ids = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="section:research"))
    assert len(ids) == 14
    # Every page of every format, as sickle received it, valid against the schemas.
    pages = Sickle(f"{served}/oai", max_retries=0, timeout=20, iterator=OAIResponseIterator)
    checks = {"oai_dc": lambda body: validate(body, oai_xsd)}
    checks["jats"] = lambda body: validate_jats_page(body, envelope_with_jats_xsd)
    for prefix, check in checks.items():
        for verb in ("ListRecords", "ListIdentifiers"):
            seen = 0
            for page in getattr(pages, verb)(metadataPrefix=prefix):
                assert check(page.raw.encode()) == [], (prefix, verb, seen)
                seen += 1
            assert seen == 4, (prefix, verb)
    print(f"sickle harvested {len(harvested)} records over {-(-14 // 4)} pages")


@pytest.mark.parametrize("prefix", ["", "oai dc", "é", "<x>", "jats\u00a0"])
def test_an_illegal_metadata_prefix_is_not_echoed(client, records, oai_xsd, prefix):
    for verb in ("ListRecords", "ListIdentifiers"):
        body = oai(client, verb=verb, metadataPrefix=prefix)
        assert validate(body, oai_xsd) == [], (verb, prefix)
        assert error_code(body) == "cannotDisseminateFormat"
        assert parse(body).find(f"{OAI}request").attrib == {"verb": verb}
    body = oai(client, verb="GetRecord", identifier=identifier(records[0]), metadataPrefix=prefix)
    assert validate(body, oai_xsd) == [] and error_code(body) == "cannotDisseminateFormat"
    assert parse(body).find(f"{OAI}request").attrib == {
        "verb": "GetRecord",
        "identifier": identifier(records[0]),
    }


def test_a_list_of_jats_records_is_valid_with_unique_ids(
    client, users, typeset_galleys, envelope_with_jats_xsd
):
    made = [
        make_published_article(
            users["author"], files=typeset_galleys[lang], when=T0 + timedelta(hours=i)
        )
        for i, lang in enumerate(("vi", "en", "vi"))
    ]
    body = oai(client, verb="ListRecords", metadataPrefix="jats")
    assert validate_jats_page(body, envelope_with_jats_xsd) == []
    ids = [e.get("id") for e in parse(body).iter() if isinstance(e.tag, str) and e.get("id")]
    assert ids and len(ids) == len(set(ids))
    assert any(i.startswith(f"a{made[0].id}-") for i in ids)
    assert any(i.startswith(f"a{made[2].id}-") for i in ids)
    for article in made:  # every reference still points at an id of its own record
        record = parse(
            oai(client, verb="GetRecord", identifier=identifier(article), metadataPrefix="jats")
        )
        own = {e.get("id") for e in record.iter() if isinstance(e.tag, str) and e.get("id")}
        for element in record.iter():
            if isinstance(element.tag, str) and element.get("rid"):
                assert set(element.get("rid").split()) <= own


def test_identify_says_how_to_validate_the_jats_records(client, records, oai_xsd):
    body = oai(client, verb="Identify")
    assert validate(body, oai_xsd) == []
    notes = [d.text for d in parse(body).iter(f"{DC}description")]
    assert any(JATS_NS in n and "JATS-journalpublishing1-3-mathml3.xsd" in n for n in notes)
