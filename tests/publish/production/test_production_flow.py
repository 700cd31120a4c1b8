"""The whole production flow through the pages, jobs run inline: send an accepted manuscript
to production, typeset it, preview and download the galleys, approve; a failing manuscript,
a corrected version and a new run; approval moving between versions."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from journal.events import events_for
from journal.extensions import db
from journal.publish import production, production_job
from journal.publish.models import GalleyVersion, TypesetRun, approved_galley
from journal.publish.typeset import STAGES
from journal.storage import file_store

from .support import (
    accepted_submission,
    add_file,
    fetch,
    figure_bytes,
    instant_typeset,
    markdown_bytes,
)

pytestmark = pytest.mark.usefixtures("xsd_path")


def _runs(submission):
    return production.runs_of(submission)


def test_markdown_manuscript_sent_to_production_typeset_previewed_and_approved(
    app, accepted, editor, english
):
    client = english(editor)
    page = client.get(f"/production/{accepted.id}")
    assert page.status_code == 200
    assert "Send to production and typeset" in page.text

    response = client.post(f"/production/{accepted.id}/send")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/production/{accepted.id}")

    db.session.refresh(accepted)
    assert accepted.stage == "production"
    assert [(e.action, e.from_stage, e.to_stage) for e in events_for(accepted)] == [
        ("send_to_production", "accepted", "production")
    ]
    [run] = _runs(accepted)
    assert (run.status, run.stage, run.error) == ("succeeded", "pdf", ""), run.error
    assert run.started_at <= run.finished_at
    assert run.source_file_id == accepted.manuscript.id
    galley = run.galley
    assert galley.number == 1 and galley.approved_at is None
    assert galley.pdf_pages >= 1
    assert list(galley.media) and all(file_store().exists(s) for s in galley.media.values())

    status = client.get(f"/production/{accepted.id}/status").get_json()
    assert status["active"] is False
    [entry] = status["runs"]
    assert entry["state"] == "succeeded" and entry["galley"] == 1
    assert [(s["name"], s["state"]) for s in entry["stages"]] == [(s, "done") for s in STAGES]

    page = client.get(f"/production/{accepted.id}")
    assert "Version 1" in page.text
    assert galley.schema_validated and "checked structurally only" not in page.text
    assert f"/production/{accepted.id}/galleys/1/pages/1.png" in page.text
    assert 'data-active="0"' in page.text

    image = fetch(client, f"/production/{accepted.id}/galleys/1/pages/1.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")

    pdf = fetch(client, f"/production/{accepted.id}/galleys/1/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "chịu mặn" in text
    assert "Lê Văn Cường" not in text  # the editor is no author
    jats = fetch(client, f"/production/{accepted.id}/galleys/1/jats")
    assert jats.headers["Content-Disposition"].startswith("attachment")
    assert b"<award-id>CT-2024-" in jats.data  # the funded task, from the database
    assert b"0000-0002-1825-0097" in jats.data  # the co-author's ORCID

    response = client.post(f"/production/{accepted.id}/galleys/1/approve")
    assert response.status_code == 302
    assert approved_galley(accepted).id == galley.id
    assert accepted.stage == "production"  # approval is no stage change


def test_without_the_official_schema_typesetting_succeeds_and_the_page_says_so(
    app, accepted, editor, english, tmp_path
):
    app.config["SCHEMAS_DIR"] = str(tmp_path / "no-schemas")  # a fresh install: none fetched
    client = english(editor)

    client.post(f"/production/{accepted.id}/send")

    [run] = _runs(accepted)
    assert run.status == "succeeded", production.run_error(run, "en")
    assert run.galley.schema_validated is False
    page = client.get(f"/production/{accepted.id}")
    assert "This version was checked structurally only" in page.text
    assert "journal schemas fetch" in page.text
    jats = fetch(client, f"/production/{accepted.id}/galleys/1/jats")
    assert b"<issn" in jats.data and b"<abstract" in jats.data


def test_html_preview_is_sandboxed_and_loads_only_its_own_media(
    app, accepted, editor, english, fast_typeset
):
    client = english(editor)
    client.post(f"/production/{accepted.id}/send")
    galley = _runs(accepted)[0].galley

    entry = client.get(f"/production/{accepted.id}/galleys/1/preview")
    assert entry.status_code == 302
    preview_url = entry.headers["Location"]
    preview = fetch(client, preview_url)
    assert preview.status_code == 200 and preview.mimetype == "text/html"
    csp = preview.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp
    assert "script-src" not in csp and "<script" not in preview.text
    assert "attachment" not in preview.headers.get("Content-Disposition", "")
    [name] = galley.media
    assert f'src="media/{name}"' in preview.text

    # The sandboxed page sends no cookie: the token in its path is what lets it in.
    anonymous = app.test_client()
    media = fetch(anonymous, preview_url + f"media/{name}")
    assert media.status_code == 200 and media.mimetype == "image/png"
    assert media.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.get(preview_url + "media/not-ours.png").status_code == 404
    forged = preview_url.replace("/preview/", "/preview/x").rstrip("/") + f"/media/{name}"
    assert anonymous.get(forged).status_code == 404
    assert anonymous.get(preview_url).status_code == 302  # the page itself needs a session


def test_docx_manuscript_is_typeset(app, users, editor, tmp_path):
    submission = accepted_submission(users["author"], tmp_path, fmt="docx")
    run = production.send_to_production(submission, editor)

    assert run.status == "succeeded", production.run_error(run, "en")
    galley = run.galley
    with file_store().open(galley.jats_sha256) as handle:
        jats = handle.read().decode()
    assert "<table-wrap" in jats and "<fn " in jats
    assert "Salinity tolerance of the OM18 rice variety" in jats  # trans-title from the form


def test_failing_manuscript_then_corrected_version_then_approval_moves(
    app, users, editor, english, tmp_path, monkeypatch, typeset_result
):
    submission = accepted_submission(users["author"], tmp_path, fmt="tex")
    client = english(editor)

    client.post(f"/production/{submission.id}/send")
    [failed] = _runs(submission)
    assert failed.status == "failed"
    assert failed.stage == "converting"  # refused before pandoc runs
    assert "\\input" in production.run_error(failed, "en")
    assert set(json.loads(failed.error)) == {"vi", "en"}  # stored in both languages
    assert db.session.execute(db.select(GalleyVersion)).first() is None
    assert approved_galley(submission) is None
    db.session.refresh(submission)
    assert submission.stage == "production"  # a failed run changes no stage

    page = client.get(f"/production/{submission.id}")
    assert "Failed" in page.text and "\\input" in page.text
    status = client.get(f"/production/{submission.id}/status").get_json()
    assert status["runs"][0]["stages"][0]["state"] == "failed"

    # The editor uploads a corrected Markdown version and its figure, and typesets again.
    response = client.post(
        f"/production/{submission.id}/files",
        data={"kind": "manuscript", "file": (io.BytesIO(markdown_bytes()), "sửa.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    figure = figure_bytes(tmp_path)
    client.post(
        f"/production/{submission.id}/files",
        data={"kind": "figure", "file": (io.BytesIO(figure), "figure.png")},
        content_type="multipart/form-data",
    )
    assert client.post(f"/production/{submission.id}/runs").status_code == 302
    second, first = _runs(submission)
    assert first.id == failed.id and first.status == "failed"  # kept as it was
    assert second.status == "succeeded" and second.source_file.original_name == "sửa.md"
    assert second.galley.number == 1

    # Another run (the pipeline's work taken as read) makes version 2; version 1 stays;
    # approval moves from 1 to 2.
    monkeypatch.setattr(production_job, "typeset", instant_typeset(typeset_result))
    client.post(f"/production/{submission.id}/galleys/1/approve")
    client.post(f"/production/{submission.id}/runs")
    versions = production.galleys_of(submission)
    assert [g.number for g in versions] == [2, 1]
    assert approved_galley(submission).number == 1
    client.post(f"/production/{submission.id}/galleys/2/approve")
    db.session.expire_all()
    approved = [g.number for g in production.galleys_of(submission) if g.approved_at]
    assert approved == [2]
    assert approved_galley(submission).number == 2
    assert [e.note for e in events_for(submission) if e.action == "approve_galley"] == [
        "v1",
        "v2",
    ]


def test_a_second_run_is_refused_while_one_is_in_progress(app, accepted, editor, monkeypatch):
    queued = []
    monkeypatch.setattr("journal.jobs.enqueue", lambda name, *args: queued.append(args))
    production.send_to_production(accepted, editor)

    with pytest.raises(production.RunInProgress):
        production.start_typesetting(accepted, editor)
    assert len(_runs(accepted)) == 1 and len(queued) == 1


def test_uploads_in_production_are_checked_by_content(app, accepted, editor, english):
    client = english(editor)
    fake = client.post(
        f"/production/{accepted.id}/files",
        data={"kind": "figure", "file": (io.BytesIO(b"GIF89a not a png"), "figure.png")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 400
    assert "does not match its extension" in fake.text
    pdf = client.post(
        f"/production/{accepted.id}/files",
        data={"kind": "figure", "file": (io.BytesIO(b"%PDF-1.7 ..."), "figure.pdf")},
        content_type="multipart/form-data",
    )
    assert pdf.status_code == 400 and "PNG or JPEG" in pdf.text
    empty = client.post(f"/production/{accepted.id}/files", data={"kind": "manuscript"})
    assert empty.status_code == 400
    assert len(accepted.files) == 2  # nothing recorded


def test_runs_and_approval_need_the_production_stage(app, accepted, editor, typeset_result):
    from .support import finished_galley

    galley = finished_galley(accepted, typeset_result, editor)
    with pytest.raises(production.NotInProduction):
        production.start_typesetting(accepted, editor)
    with pytest.raises(production.NotInProduction):
        production.approve_galley(galley, editor)
    assert db.session.execute(db.select(TypesetRun)).scalars().all() == [galley.run]


def test_repairs_made_to_the_manuscript_are_listed_on_the_galley(
    app, users, editor, english, tmp_path
):
    submission = accepted_submission(users["author"], tmp_path)
    untidy = markdown_bytes() + "\nXem thêm [phụ lục B](#phu-luc-b).\n".encode()
    add_file(submission, "manuscript", "bản thảo v2.md", untidy)

    run = production.send_to_production(submission, editor)

    assert run.status == "succeeded", production.run_error(run, "en")
    [repair] = [r for r in run.galley.repairs if "phu-luc-b" in r["en"]]
    assert "kept as plain text" in repair["en"] and "chữ thường" in repair["vi"]
    page = english(editor).get(f"/production/{submission.id}")
    assert "made to the manuscript" in page.text
    assert "“phụ lục B” → phu-luc-b" in page.text
    vietnamese = app.test_client(user=editor)
    vietnamese.set_cookie("lang", "vi")
    assert "giữ lại dưới dạng chữ thường" in vietnamese.get(f"/production/{submission.id}").text
