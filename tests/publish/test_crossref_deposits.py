"""Crossref export, deposit, poll and retry through the CLI, against a local stand-in for
Crossref's servlets; DOAJ export. Batches validate against the official schemas."""

from __future__ import annotations

import pytest
from lxml import etree

from crossref import validate
from journal.extensions import db
from journal.publish import issues
from journal.publish.records import DoiDeposit

from ..crossref.samples import schema_or_skip
from ..crossref.stub_server import StubServer
from ..factories import make_funded_task
from .factories import make_issue, make_published_article

CR = "{http://www.crossref.org/schema/5.4.0}"
JATS = "{http://www.ncbi.nlm.nih.gov/JATS1}"
FR = "{http://www.crossref.org/fundref.xsd}"
AI = "{http://www.crossref.org/AccessIndicators.xsd}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORCID = "0000-0002-1825-0097"


@pytest.fixture(scope="module")
def crossref_xsd():
    return schema_or_skip("crossref/crossref5.4.0.xsd")


@pytest.fixture
def journal_app(app):
    app.config.update(
        ISSN_ONLINE="2049-3630",
        CROSSREF_LOGIN="mdj/role",
        CROSSREF_PASSWORD="secret-password",
        CROSSREF_TIMEOUT=2,
    )
    return app


@pytest.fixture
def issue_with_articles(journal_app, users, typeset_galleys):
    issue = make_issue(3, 2, 2025, published=True)
    task = make_funded_task("CM.2022-03/ĐT", "CM", agency="Sở KH&CN tỉnh Cà Mau")
    first = make_published_article(
        users["author"],
        issue=issue,
        files=typeset_galleys["vi"],
        first_page=1,
        last_page=9,
        funded_task=task,
        doi="10.12345/mdj.2025.00001",
    )
    first.submission.authors[0].orcid = ORCID
    second = make_published_article(
        users["other_author"],
        issue=issue,
        language="en",
        files=typeset_galleys["en"],
        first_page=10,
        last_page=18,
        doi="10.12345/mdj.2025.00002",
    )
    db.session.commit()
    return issue, [first, second]


def test_export_an_issue_validates_and_carries_everything(
    runner, issue_with_articles, crossref_xsd
):
    issue, (first, _second) = issue_with_articles
    result = runner.invoke(args=["crossref", "export", str(issue.id)])
    assert result.exit_code == 0, result.output
    xml = result.stdout_bytes
    assert validate(xml, crossref_xsd) == []
    root = etree.fromstring(xml)
    assert root.findtext(f".//{CR}issn") == "2049-3630"
    assert root.findtext(f".//{CR}journal_issue/{CR}issue") == "2"
    (art1, art2) = root.findall(f".//{CR}journal_article")
    titles = [t.text for t in art1.findall(f"{CR}titles/{CR}title")]
    assert titles == [first.submission.title_vi, first.submission.title_en]
    assert [a.get(XML_LANG) for a in art1.findall(f"{JATS}abstract")] == ["vi", "en"]
    assert [a.get(XML_LANG) for a in art2.findall(f"{JATS}abstract")] == ["en", "vi"]
    assert art1.findtext(f".//{CR}ORCID") == f"https://orcid.org/{ORCID}"
    assert art1.findtext(f".//{CR}institution_name") == "Đại học Cần Thơ"
    assert art1.findtext(f"{CR}pages/{CR}first_page") == "1"
    award = art1.find(f".//{FR}assertion[@name='award_number']")
    assert award.text == "CM.2022-03/ĐT"
    assert art1.find(f".//{FR}assertion[@name='funder_name']").text.startswith("Sở KH&CN")
    assert art1.find(f".//{AI}license_ref").text == "https://creativecommons.org/licenses/by/4.0/"
    assert art1.findtext(f"{CR}doi_data/{CR}doi") == "10.12345/mdj.2025.00001"
    assert art1.findtext(f"{CR}doi_data/{CR}resource") == (
        f"https://journal.example.org/articles/{first.id}"
    )
    assert art1.findtext(f".//{CR}collection[@property='text-mining']//{CR}resource") == (
        f"https://journal.example.org/articles/{first.id}/pdf"
    )
    refs = art1.findall(f"{CR}citation_list/{CR}citation")
    assert len(refs) == 2 and "10.1234/ag.2021.5" in [r.findtext(f"{CR}doi") for r in refs]


def test_missing_metadata_is_reported_by_article_before_any_deposit(runner, journal_app, users):
    issue = make_issue(4, 1, 2025, published=True)
    make_published_article(users["author"], issue=issue, title_vi="", doi="10.12345/a.1")
    make_published_article(users["author"], issue=issue, doi="10.12345/a.2", title_vi="Bài đầy đủ")
    journal_app.config.update(ISSN_ONLINE=None)
    with StubServer() as stub:
        journal_app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        result = runner.invoke(args=["crossref", "deposit", str(issue.id)])
        assert stub.received == []
    assert result.exit_code == 1
    assert "Journal: no ISSN (print or electronic)" in result.output
    assert "(DOI 10.12345/a.1): no title in Vietnamese" in result.output
    assert "Nothing was produced or sent" in result.output
    assert {d.status for d in db.session.execute(db.select(DoiDeposit)).scalars()} == {"pending"}
    assert runner.invoke(args=["crossref", "export", str(issue.id)]).exit_code == 1


def test_deposit_then_poll_registers(runner, issue_with_articles):
    issue, _found = issue_with_articles
    app = runner.app
    with StubServer() as stub:
        app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        result = runner.invoke(args=["crossref", "deposit", str(issue.id)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(
            "submitted: 10.12345/mdj.2025.00001, 10.12345/mdj.2025.00002"
        )
        (received,) = stub.received
        assert received.fields["login_id"] == "mdj/role"
        assert "secret-password" not in result.output
        status = runner.invoke(args=["crossref", "status", str(issue.id)])
        assert status.output.splitlines() == [
            "10.12345/mdj.2025.00001\tsubmitted",
            "10.12345/mdj.2025.00002\tsubmitted",
        ]
        poll = runner.invoke(args=["crossref", "poll"])
        assert poll.exit_code == 0 and "2 registered" in poll.output
    db.session.expire_all()
    deposits = db.session.execute(db.select(DoiDeposit).order_by(DoiDeposit.doi)).scalars().all()
    assert [(d.status, d.message) for d in deposits] == [("registered", "Successfully added")] * 2
    assert all(d.registered_at and d.file_name.endswith(".xml") for d in deposits)


def test_rejected_records_fail_with_crossrefs_message_then_retry(runner, issue_with_articles):
    issue, _found = issue_with_articles
    app = runner.app
    with StubServer() as stub:
        app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        stub.failures["10.12345/mdj.2025.00002"] = "Record not processed: invalid ISSN"
        assert runner.invoke(args=["crossref", "deposit", str(issue.id)]).exit_code == 0
        runner.invoke(args=["crossref", "poll"])
        status = runner.invoke(args=["crossref", "status"]).output.splitlines()
        assert status == [
            "10.12345/mdj.2025.00001\tregistered\tSuccessfully added",
            "10.12345/mdj.2025.00002\tfailed\tRecord not processed: invalid ISSN",
        ]
        stub.failures.clear()
        retry = runner.invoke(args=["crossref", "retry"])
        assert retry.exit_code == 0 and "10.12345/mdj.2025.00002" in retry.output
        assert "10.12345/mdj.2025.00001" not in retry.output
        assert len(stub.deposited) == 2  # a new batch, a new file
        runner.invoke(args=["crossref", "poll"])
    statuses = {d.doi: d.status for d in db.session.execute(db.select(DoiDeposit)).scalars()}
    assert statuses == {
        "10.12345/mdj.2025.00001": "registered",
        "10.12345/mdj.2025.00002": "registered",
    }


def test_rejected_deposit_and_timeout(runner, issue_with_articles):
    issue, _found = issue_with_articles
    app = runner.app
    from ..crossref.stub_server import AUTH_FAILURE_PAGE

    with StubServer() as stub:
        app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        stub.deposit_answer = (200, AUTH_FAILURE_PAGE)
        result = runner.invoke(args=["crossref", "deposit", str(issue.id)])
        assert result.exit_code == 1 and "Authentication failed" in result.output
        db.session.expire_all()
        deposits = db.session.execute(db.select(DoiDeposit)).scalars().all()
        assert {d.status for d in deposits} == {"failed"}
        assert all("Authentication failed" in d.message for d in deposits)
        stub.deposit_answer = None
        stub.delay = 10
        app.config.update(CROSSREF_TIMEOUT=0.5)
        result = runner.invoke(args=["crossref", "retry"])
        assert result.exit_code == 1 and "within 0.5 seconds" in result.output
    db.session.expire_all()
    deposits = db.session.execute(db.select(DoiDeposit)).scalars().all()
    assert {d.attempts for d in deposits} == {2}
    assert all("no answer" in d.message for d in deposits)


def test_online_first_articles_go_in_their_own_batch(runner, journal_app, users, crossref_xsd):
    from .factories import make_ready_submission

    journal_app.config.update(DOI_PREFIX="10.12345")
    early = issues.publish_online_first(
        make_ready_submission(users["author"]), users["editor_in_chief"]
    )
    with StubServer() as stub:
        journal_app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        result = runner.invoke(args=["crossref", "deposit", "--article", str(early.id)])
        assert result.exit_code == 0, result.output
        (xml,) = stub.deposited.values()
    assert validate(xml, crossref_xsd) == []
    assert etree.fromstring(xml).find(f".//{CR}journal_issue") is None


def test_deposit_without_credentials_is_refused(runner, issue_with_articles):
    runner.app.config.update(CROSSREF_LOGIN=None)
    issue, _ = issue_with_articles
    result = runner.invoke(args=["crossref", "deposit", str(issue.id)])
    assert result.exit_code == 1 and "CROSSREF_LOGIN" in result.output
    assert runner.invoke(args=["crossref", "export", "999"]).exit_code == 1


def test_doaj_export_validates(runner, issue_with_articles):
    doaj_xsd = schema_or_skip("doaj/doajArticles.xsd")
    issue, found = issue_with_articles
    result = runner.invoke(args=["doaj", "export", str(issue.id)])
    assert result.exit_code == 0, result.output
    assert validate(result.stdout_bytes, doaj_xsd) == []
    records = etree.fromstring(result.stdout_bytes).findall("record")
    assert [r.findtext("doi") for r in records] == [a.doi for a in found]
    assert records[0].findtext("eissn") == "2049-3630"


def test_without_the_schemas_exports_are_checked_structurally_and_say_so(
    runner, issue_with_articles, crossref_xsd, tmp_path
):
    runner.app.config.update(SCHEMAS_DIR=str(tmp_path / "no-schemas"))
    issue, _ = issue_with_articles

    crossref_export = runner.invoke(args=["crossref", "export", str(issue.id)])
    doaj_export = runner.invoke(args=["doaj", "export", str(issue.id)])

    assert crossref_export.exit_code == 0 and doaj_export.exit_code == 0
    assert validate(crossref_export.stdout_bytes, crossref_xsd) == []  # still what it was
    for result, name in ((crossref_export, "Crossref 5.4.0"), (doaj_export, "DOAJ article XML")):
        assert f"checked structurally only: the official {name} schema" in result.stderr
        assert "journal schemas fetch" in result.stderr
        assert b"structurally" not in result.stdout_bytes
    with StubServer() as stub:
        runner.app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        deposit = runner.invoke(args=["crossref", "deposit", str(issue.id)])
    assert deposit.exit_code == 0, deposit.output
    assert "checked structurally only" in deposit.stderr and len(stub.deposited) == 1


def test_with_the_schemas_exports_say_nothing_of_them(runner, issue_with_articles):
    issue, _ = issue_with_articles

    for command in ("crossref", "doaj"):
        result = runner.invoke(args=[command, "export", str(issue.id)])
        assert result.exit_code == 0 and result.stderr == ""


def test_an_installed_schema_is_what_exports_are_validated_against(
    runner, issue_with_articles, tmp_path
):
    """A stricter schema where the official one goes: the batch is refused with its words,
    and nothing is sent."""
    folder = tmp_path / "schemas"
    (folder / "crossref").mkdir(parents=True)
    (folder / "crossref" / "crossref5.4.0.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' targetNamespace="http://www.crossref.org/schema/5.4.0">'
        '<xs:element name="doi_batch"><xs:complexType/></xs:element></xs:schema>'
    )
    runner.app.config.update(SCHEMAS_DIR=str(folder))
    issue, _ = issue_with_articles

    export = runner.invoke(args=["crossref", "export", str(issue.id)])
    with StubServer() as stub:
        runner.app.config.update(CROSSREF_DEPOSIT_URL=stub.deposit_url)
        deposit = runner.invoke(args=["crossref", "deposit", str(issue.id)])

    for result in (export, deposit):
        assert result.exit_code == 1
        assert "Crossref 5.4.0 schema: line" in result.output
        assert "Nothing was produced or sent" in result.output
    assert export.stdout_bytes == b"" and stub.deposited == {}
    deposits = db.session.execute(db.select(DoiDeposit)).scalars().all()
    assert all((d.status, d.attempts) == ("pending", 0) for d in deposits)
