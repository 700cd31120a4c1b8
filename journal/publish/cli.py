"""``journal crossref …``, ``journal doaj export`` and ``journal typeset``."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from crossref import MetadataError


def _issue(issue_id: int):
    from ..extensions import db
    from .records import Issue

    issue = db.session.get(Issue, issue_id)
    if issue is None or not issue.is_published:
        raise click.ClickException(f"No published issue has the id {issue_id}.")
    return issue


def _problems(error: MetadataError) -> click.ClickException:
    for problem in error.problems:
        click.echo(f"  - {problem}", err=True)
    return click.ClickException(f"Nothing was produced or sent: {len(error.problems)} problem(s).")


def _note_if_no_schema(entry: str) -> None:
    """Say, on standard error, that the output was checked structurally only."""
    from ..schemas import TITLES
    from .crossref_adapter import schema_missing

    if schema_missing(entry):
        click.echo(
            f"Note: checked structurally only: the official {TITLES[entry]} schema is not "
            "installed (`journal schemas fetch` installs it).",
            err=True,
        )


def _outcomes(outcomes) -> None:
    failed = 0
    for outcome in outcomes:
        state = "submitted" if outcome.submitted else "FAILED"
        failed += not outcome.submitted
        click.echo(
            f"{state}: {', '.join(outcome.dois)}"
            + (f" ({outcome.file_name})" if outcome.file_name else "")
        )
        if not outcome.submitted:
            click.echo(f"  {outcome.message}", err=True)
    if failed:
        raise click.ClickException(
            f"{failed} batch(es) failed; `journal crossref retry` sends them again."
        )


@click.group("crossref")
def crossref_group():
    """Crossref DOI deposits."""


@crossref_group.command("export")
@click.argument("issue_id", type=int)
@with_appcontext
def crossref_export(issue_id):
    """Write the deposit XML of a published issue to standard output."""
    from .crossref_adapter import export_issue

    try:
        xml = export_issue(_issue(issue_id))
    except MetadataError as error:
        raise _problems(error) from None
    _note_if_no_schema("crossref")
    click.echo(xml, nl=False)


@crossref_group.command("deposit")
@click.argument("issue_id", type=int, required=False)
@click.option("--article", "article_ids", type=int, multiple=True, help="Only these articles.")
@with_appcontext
def crossref_deposit(issue_id, article_ids):
    """Deposit an issue's DOIs (or the chosen articles') with Crossref."""
    from ..extensions import db
    from .crossref_adapter import CrossrefNotConfigured, deposit_articles, issue_articles
    from .records import Article

    if issue_id is None and not article_ids:
        raise click.UsageError("Give an ISSUE_ID or at least one --article.")
    items = issue_articles(_issue(issue_id)) if issue_id is not None else []
    if article_ids:
        chosen = [db.session.get(Article, i) for i in article_ids]
        if any(a is None or a.published_at is None for a in chosen):
            raise click.ClickException("Every --article must be a published article.")
        items = [a for a in items if a.id in article_ids] if issue_id is not None else chosen
    _note_if_no_schema("crossref")
    try:
        _outcomes(deposit_articles(items))
    except MetadataError as error:
        raise _problems(error) from None
    except CrossrefNotConfigured as error:
        raise click.ClickException(str(error.message)) from None


@crossref_group.command("poll")
@with_appcontext
def crossref_poll():
    """Read Crossref's logs of the submitted batches and update each DOI's status."""
    from .crossref_adapter import CrossrefNotConfigured, poll_deposits

    try:
        counts = poll_deposits()
    except CrossrefNotConfigured as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(", ".join(f"{n} {state}" for state, n in counts.items()))


@crossref_group.command("retry")
@with_appcontext
def crossref_retry():
    """Deposit again every DOI whose last deposit failed."""
    from .crossref_adapter import CrossrefNotConfigured, retry_failed

    _note_if_no_schema("crossref")
    try:
        outcomes = retry_failed()
    except MetadataError as error:
        raise _problems(error) from None
    except CrossrefNotConfigured as error:
        raise click.ClickException(str(error.message)) from None
    if not outcomes:
        click.echo("No failed deposit.")
    _outcomes(outcomes)


@crossref_group.command("status")
@click.argument("issue_id", type=int, required=False)
@with_appcontext
def crossref_status(issue_id):
    """The deposit status of every DOI (of one issue)."""
    from .crossref_adapter import deposit_statuses

    issue = _issue(issue_id) if issue_id is not None else None
    for doi, status, message in deposit_statuses(issue):
        click.echo(f"{doi}\t{status}" + (f"\t{message}" if message else ""))


@click.group("doaj")
def doaj_group():
    """DOAJ article metadata."""


@doaj_group.command("export")
@click.argument("issue_id", type=int)
@with_appcontext
def doaj_export(issue_id):
    """Write the DOAJ article XML of a published issue to standard output."""
    from .crossref_adapter import doaj_export as build

    try:
        xml = build(_issue(issue_id))
    except MetadataError as error:
        raise _problems(error) from None
    _note_if_no_schema("doaj")
    click.echo(xml, nl=False)


FORMAT_OF_SUFFIX = {".docx": "docx", ".odt": "odt", ".md": "md", ".markdown": "md", ".tex": "tex"}
FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg")


@click.command("typeset")
@click.argument("manuscript", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The front matter as JSON (titles, abstracts, keywords, authors, DOI, pages …).",
)
@click.option(
    "--bibliography",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A BibTeX, CSL JSON or YAML file for the citations.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder for article.xml, article.html, article.pdf, media/ and report.json.",
)
@with_appcontext
def typeset_command(manuscript: Path, metadata: Path | None, bibliography, out_dir: Path):
    """Typeset MANUSCRIPT (.docx, .odt, .md, .tex) outside the workflow: the same pipeline
    as production, its JATS, HTML and PDF galleys and its report written into --out.
    Images next to a Markdown or LaTeX manuscript are its figures."""
    from ..schemas import installed_schema
    from .production_job import typeset_limits
    from .production_meta import meta_from_mapping
    from .typeset import TypesetError, typeset

    fmt = FORMAT_OF_SUFFIX.get(manuscript.suffix.lower())
    if fmt is None:
        raise click.ClickException(
            f"{manuscript.name}: not a manuscript the pipeline reads (.docx, .odt, .md, .tex)."
        )
    try:
        data = json.loads(metadata.read_text(encoding="utf-8")) if metadata else {}
        meta = meta_from_mapping(data, default_title=manuscript.stem)
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"The metadata cannot be used: {error}") from None
    if not (meta.journal.issn or meta.journal.eissn):
        raise click.ClickException(
            "The journal's ISSN is not set (ISSN_PRINT or ISSN_ONLINE), and a valid JATS "
            "article needs one."
        )
    figures = {
        p.name: p
        for p in sorted(manuscript.parent.iterdir())
        if p.is_file() and p.suffix.lower() in FIGURE_SUFFIXES
    }
    schema = installed_schema("jats")
    stages: dict[str, float] = {}
    clock = [time.perf_counter(), None]

    def progress(stage: str) -> None:
        now = time.perf_counter()
        if clock[1] is not None:
            stages[clock[1]] = round(now - clock[0], 3)
        clock[:] = [now, stage]
        click.echo(f"{stage} …", err=True)

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="typeset-") as workdir:
        try:
            galleys = typeset(
                manuscript,
                fmt,
                meta,
                workdir,
                xsd_path=schema,
                progress=progress,
                figures=figures if fmt in ("md", "tex") else None,
                bibliography=bibliography,
                **typeset_limits(),
            )
        except TypesetError as error:
            raise click.ClickException(str(error.message)) from None
    stages[clock[1]] = round(time.perf_counter() - clock[0], 3)
    _write_galleys(out_dir, galleys, manuscript, fmt, stages)
    click.echo(f"article.xml, article.html, article.pdf and report.json are in {out_dir}")


def _write_galleys(out_dir: Path, galleys, manuscript: Path, fmt: str, stages: dict) -> None:
    from .production_job import pdf_page_count

    (out_dir / "article.xml").write_bytes(galleys.jats)
    (out_dir / "article.html").write_text(galleys.html, encoding="utf-8")
    (out_dir / "article.pdf").write_bytes(galleys.pdf)
    if galleys.media:
        (out_dir / "media").mkdir(exist_ok=True)
        for name, data in galleys.media.items():
            (out_dir / "media" / name).write_bytes(data)
    report = {
        "manuscript": manuscript.name,
        "format": fmt,
        "schema_validated": galleys.schema_validated,
        "pdf_pages": pdf_page_count(galleys.pdf),
        "media": sorted(galleys.media),
        "seconds": stages,
    }
    (out_dir / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
