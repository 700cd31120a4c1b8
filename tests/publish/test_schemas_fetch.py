"""``journal schemas fetch`` against a local stand-in for the official servers (the files of
the shared schema folder, served at the official URL paths, with the absolute cross-site
``schemaLocation``s the official files have): a full fetch installs self-contained copies that
validate a real typeset article and real exports; a missing or broken file installs nothing
and leaves the old schemas as they were."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree

import crossref
from journal.publish.typeset import validate
from journal.publish.typeset.safexml import parse_xml
from journal.schemas import ENTRY_POINTS, installed_schema, missing_schemas
from journal.schemas.fetch import REFERENCES

from ..conftest import SCHEMAS_DIR

JATS = "/publishing/1.3/xsd/"
CROSSREF = "/crossref/schema/-/raw/master/schemas/"


class StandIn:
    """Official-looking URL paths → file contents, served over HTTP on loopback."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stand_in.requests.append(self.path)
                body = stand_in.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body if body is not None else b"not found")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve_folder(self, prefix: str, folder: Path, skip: str | None = None) -> None:
        for path in sorted(folder.rglob("*.xsd")):
            relative = path.relative_to(folder).as_posix()
            if skip is None or not relative.startswith(skip):
                self.files[prefix + relative] = path.read_bytes()

    def point(self, path: str, local: str, remote: str) -> None:
        """Make the file at ``path`` name ``remote`` (on this server) instead of ``local``,
        as the official file does."""
        old = f'schemaLocation="{local}"'.encode()
        assert old in self.files[path], (path, local)
        self.files[path] = self.files[path].replace(old, f'schemaLocation="{remote}"'.encode())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in():
    server = StandIn()
    url = server.url
    server.serve_folder(JATS, SCHEMAS_DIR / "jats")
    server.serve_folder(CROSSREF, SCHEMAS_DIR / "crossref", skip="5.3.1/")
    # Crossref imports xml.xsd from the W3C's site, not from its own folder.
    server.files["/2001/xml.xsd"] = (SCHEMAS_DIR / "crossref/standard-modules/xml.xsd").read_bytes()
    server.point(CROSSREF + "crossref5.4.0.xsd", "standard-modules/xml.xsd", f"{url}/2001/xml.xsd")
    # OAI-PMH and oai_dc; oai_dc imports Dublin Core from dublincore.org, which imports xml.xsd.
    for name in ("OAI-PMH.xsd", "oai_dc.xsd", "oai-identifier.xsd"):
        server.files[f"/OAI/2.0/{name}"] = (SCHEMAS_DIR / "oai" / name).read_bytes()
    server.files["/schemas/xmls/simpledc20021212.xsd"] = (
        SCHEMAS_DIR / "oai/simpledc20021212.xsd"
    ).read_bytes()
    server.files["/2001/03/xml.xsd"] = (SCHEMAS_DIR / "oai/xml.xsd").read_bytes()
    server.point(
        "/OAI/2.0/oai_dc.xsd",
        "simpledc20021212.xsd",
        f"{url}/schemas/xmls/simpledc20021212.xsd",
    )
    server.point("/schemas/xmls/simpledc20021212.xsd", "xml.xsd", f"{url}/2001/03/xml.xsd")
    # DOAJ names its language codes by absolute address.
    server.serve_folder("/static/doaj/", SCHEMAS_DIR / "doaj")
    server.point(
        "/static/doaj/doajArticles.xsd", "iso_639-2b.xsd", f"{url}/static/doaj/iso_639-2b.xsd"
    )
    server.sources = {
        "jats": f"{url}{JATS}JATS-journalpublishing1-3-mathml3.xsd",
        "crossref": f"{url}{CROSSREF}crossref5.4.0.xsd",
        "oai": [f"{url}/OAI/2.0/{n}" for n in ("OAI-PMH.xsd", "oai_dc.xsd", "oai-identifier.xsd")],
        "doaj": f"{url}/static/doaj/doajArticles.xsd",
    }
    yield server
    server.stop()


@pytest.fixture
def fetching_app(app, stand_in, tmp_path):
    app.config.update(SCHEMAS_DIR=str(tmp_path / "instance" / "schemas"))
    app.config["SCHEMAS_SOURCES"] = stand_in.sources
    return app


def _locations(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*.xsd"):
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        found += [
            e.get("schemaLocation") for e in tree.iter(*REFERENCES) if e.get("schemaLocation")
        ]
    return found


def test_a_full_fetch_installs_schemas_that_validate_real_output(
    fetching_app, runner, stand_in, typeset_galleys
):
    assert missing_schemas() == list(ENTRY_POINTS)

    result = runner.invoke(args=["schemas", "fetch"])

    assert result.exit_code == 0, result.output
    assert missing_schemas() == []
    folder = Path(fetching_app.config["SCHEMAS_DIR"])
    assert folder.is_symlink()  # swapped in as a whole
    for entry in ENTRY_POINTS:
        assert str(installed_schema(entry)) in result.output
    # Files from other sites are stored locally and the references rewritten to them.
    host = f"127.0.0.1_{stand_in.server.server_port}"
    assert (folder / "crossref/_external" / host / "2001/xml.xsd").is_file()
    assert (folder / "oai/_external" / host / "schemas/xmls/simpledc20021212.xsd").is_file()
    assert (folder / "doaj/iso_639-2b.xsd").is_file()  # same site and folder: beside it
    locations = _locations(folder)
    assert locations and not [loc for loc in locations if "://" in loc]
    assert "/JATS-journalpublishing1-3-mathml3-elements.xsd" in "".join(stand_in.requests)
    stand_in.stop()  # from here on, nothing may need the network

    for lang in ("vi", "en"):
        validate(parse_xml(typeset_galleys[lang].jats), installed_schema("jats"))
    examples = SCHEMAS_DIR / "examples"
    for entry, example in (
        ("crossref", "crossref-example.xml"),
        ("doaj", "doaj-example.xml"),
        ("oai", "oai/listrecords.xml"),
        ("oai", "oai/identify.xml"),
    ):
        assert crossref.validate((examples / example).read_bytes(), installed_schema(entry)) == []
    broken = (examples / "doaj-example.xml").read_bytes().replace(b"<language>", b"<langue>", 1)
    assert crossref.validate(broken, installed_schema("doaj"))  # the schema does check


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.xsd")}


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("missing", "HTTP 404"),
        ("malformed", "not well-formed XML"),
        ("not a schema", "does not load as a schema"),
    ],
)
def test_a_failed_fetch_installs_nothing_and_keeps_the_old_schemas(
    fetching_app, runner, stand_in, breakage, message
):
    assert runner.invoke(args=["schemas", "fetch", "doaj", "oai"]).exit_code == 0
    folder = Path(fetching_app.config["SCHEMAS_DIR"])
    before = _snapshot(folder)
    assert {"doaj/doajArticles.xsd", "oai/oai-pmh-with-oai_dc.xsd"} <= set(before)
    languages = "/static/doaj/iso_639-2b.xsd"
    if breakage == "missing":
        del stand_in.files[languages]
    elif breakage == "malformed":
        stand_in.files[languages] = stand_in.files[languages][:500]
    else:
        stand_in.files[languages] = stand_in.files[languages].replace(
            b'name="LanguageCodeType"', b'nom="LanguageCodeType"', 1
        )

    result = runner.invoke(args=["schemas", "fetch", "doaj", "jats"])

    assert result.exit_code == 1
    assert message in result.output and "Nothing was installed" in result.output
    assert "doaj:" in result.output and "jats:" not in result.output  # JATS itself was fine
    assert _snapshot(folder) == before  # as they were: doaj and oai, no jats
    assert installed_schema("jats") is None
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".schemas-")] == [
        folder.resolve().name
    ]  # the failed attempt left nothing behind
    doaj = (SCHEMAS_DIR / "examples/doaj-example.xml").read_bytes()
    assert crossref.validate(doaj, installed_schema("doaj")) == []


def test_fetching_one_set_keeps_the_others_and_replaces_a_folder_made_by_hand(fetching_app, runner):
    folder = Path(fetching_app.config["SCHEMAS_DIR"])
    hand_made = folder / "oai"
    hand_made.mkdir(parents=True)
    for name in ("oai-pmh-with-oai_dc.xsd", "OAI-PMH.xsd", "oai_dc.xsd", "oai-identifier.xsd"):
        (hand_made / name).write_bytes((SCHEMAS_DIR / "oai" / name).read_bytes())

    result = runner.invoke(args=["schemas", "fetch", "doaj"])

    assert result.exit_code == 0, result.output
    assert folder.is_symlink()
    assert missing_schemas() == ["jats", "crossref"]
    assert (folder / "oai/OAI-PMH.xsd").read_bytes() == (
        SCHEMAS_DIR / "oai/OAI-PMH.xsd"
    ).read_bytes()


def test_an_unknown_set_is_a_usage_error(fetching_app, runner):
    result = runner.invoke(args=["schemas", "fetch", "mets"])

    assert result.exit_code == 2 and "mets" in result.output
