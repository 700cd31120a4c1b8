"""The demo journal: complete, idempotent, and every listed account works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journal import demo
from journal.accounts.models import User
from journal.accounts.services import authenticate
from journal.demo import DEMO_PASSWORD, load_demo
from journal.events import Event, events_for
from journal.extensions import db
from journal.funded_tasks.models import FundedTask
from journal.provinces import BoardMembership, BoardRole, Province
from journal.publish.models import approved_galley
from journal.publish.records import Article
from journal.submissions.models import Submission, SubmissionAuthor
from journal.usage.models import UsageDaily, UsageEvent

from .admin.clients import fast_password_hashing  # noqa: F401  (autouse: demo users hash fast)


def _counts():
    models = (
        User,
        BoardMembership,
        FundedTask,
        Submission,
        SubmissionAuthor,
        Event,
        Province,
        UsageEvent,
        UsageDaily,
    )
    return {
        model.__name__: db.session.execute(
            db.select(db.func.count()).select_from(model)
        ).scalar_one()
        for model in models
    }


def test_demo_loads_and_loading_again_changes_nothing(app, tmp_path):
    """On a fresh install (no official schema fetched) too: every article is typeset with the
    structural checks only."""
    app.config["SCHEMAS_DIR"] = str(tmp_path / "no-schemas")
    accounts = load_demo()
    first = _counts()
    again = load_demo()
    db.session.expire_all()

    assert again == accounts
    assert _counts() == first
    assert first["User"] >= 15
    assert first["FundedTask"] >= 6
    assert first["Province"] == 4
    assert first["UsageEvent"] > 20 and first["UsageDaily"] >= 5  # readers since publication
    typeset = db.session.execute(
        db.select(Submission).where(Submission.stage.in_(("production", "published")))
    ).scalars()
    galleys = {s.title_en: approved_galley(s) for s in typeset}
    articles = db.session.execute(db.select(Article)).scalars().all()
    assert len(galleys) >= 5 and len(articles) >= 5
    assert all(g is not None and not g.schema_validated for g in galleys.values()), galleys
    assert all(a.galley_version_id == approved_galley(a.submission).id for a in articles)


def test_each_listed_account_logs_in_with_the_demo_password(app):
    accounts = load_demo()

    roles = [role for role, _ in accounts]
    assert roles[:2] == ["Administrator", "Editor-in-chief"]
    for code in ("CT", "AG", "CM", "KG"):
        assert f"Province editor ({code})" in roles and f"Board member ({code})" in roles
    assert len({email for _, email in accounts}) == len(accounts) == len(demo.PEOPLE)
    for role, email in accounts:
        assert email.endswith("@demo.mekongjournal.vn"), role
        user = authenticate(email, DEMO_PASSWORD)
        assert user is not None, role
        assert user.email_confirmed, role
    by_role = {role: authenticate(email, DEMO_PASSWORD) for role, email in accounts}
    assert by_role["Administrator"].is_admin
    assert by_role["Editor-in-chief"].is_editor_in_chief
    assert by_role["Province editor (CT)"].province_ids(BoardRole.PROVINCE_EDITOR) == {
        by_role["Province editor (CT)"].province.id
    }
    assert by_role["Board member (AG)"].is_board_member
    assert by_role["Reviewer"].expertise_list
    assert not by_role["Author"].roles and not by_role["Author"].memberships
    assert authenticate(accounts[0][1], "wrong password") is None


def test_every_province_has_an_editor_a_board_member_and_tasks(app):
    load_demo()

    for province in db.session.execute(db.select(Province)).scalars():
        roles = sorted(m.role for m in province.memberships)
        assert roles == ["board_member", "province_editor"], province.code
        assert all(m.user.affiliation for m in province.memberships), province.code
    names = [u.full_name for u in db.session.execute(db.select(User)).scalars()]
    assert all(not name.isascii() for name in names)  # Vietnamese names, with diacritics
    task_provinces = {t.province.code for t in db.session.execute(db.select(FundedTask)).scalars()}
    assert task_provinces == {"AG", "CM", "CT", "KG"}
    budgets = [t.budget_vnd for t in db.session.execute(db.select(FundedTask)).scalars()]
    assert all(100_000_000 <= b <= 10_000_000_000 for b in budgets)


def test_submissions_drafts_and_submitted_with_their_events(app):
    load_demo()
    submissions = list(db.session.execute(db.select(Submission).order_by(Submission.id)).scalars())
    stages = sorted(s.stage for s in submissions)

    assert stages.count("draft") >= 2
    assert stages.count("submitted") >= 2
    for submission in submissions:
        first = submission.authors[0]
        assert (first.user_id, first.corresponding) == (submission.owner_id, True)
        assert submission.corresponding_author is first
        for field in ("title", "abstract", "keywords"):
            assert getattr(submission, f"{field}_vi") and getattr(submission, f"{field}_en")
        assert submission.province_id is not None
        events = events_for(submission)
        if submission.stage == "submitted":
            assert submission.submitted_at is not None
            # Submitted, then routed to the province's board (journal/review/routing.py).
            assert [(e.action, e.from_stage, e.to_stage, e.actor_id) for e in events] == [
                ("submit", "draft", "submitted", submission.owner_id),
                ("assign_editor", None, None, None),
            ]
        elif submission.stage == "draft":  # (the article in production: tests/publish/production)
            assert events == []
            assert submission.submitted_at is None


def test_demo_command_prints_the_accounts(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV", "development")
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    assert "admin@demo.mekongjournal.vn" in result.output
    assert "reviewer@demo.mekongjournal.vn" in result.output


def test_the_readme_lists_every_demo_account():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    listed = set(re.findall(r"`([a-z0-9.]+@demo\.mekongjournal\.vn)`", readme))

    assert listed == {f"{key}@{demo.DOMAIN}" for _, key in demo.LISTED}


@pytest.mark.parametrize("environment", ["production", "testing"])
def test_demo_command_refuses_outside_development(app, runner, monkeypatch, environment):
    monkeypatch.setitem(app.config, "ENV", environment)
    result = runner.invoke(args=["demo"])

    assert result.exit_code != 0
    assert "JOURNAL_ENV=development" in result.output
    assert DEMO_PASSWORD not in result.output
    count = db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one()
    assert count == 0


def test_demo_command_runs_anywhere_with_i_know(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV", "production")
    result = runner.invoke(args=["demo", "--i-know"])

    assert result.exit_code == 0, result.output
    assert "admin@demo.mekongjournal.vn" in result.output
