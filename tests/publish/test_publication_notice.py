"""On publication every author gets an e-mail (through a real SMTP server) with the DOI
and the article's address, in both languages; each address once; nothing for scheduling."""

from __future__ import annotations

from journal.extensions import db
from journal.publish import issues
from journal.submissions.models import SubmissionAuthor

from .factories import make_issue, make_ready_submission


def _with_coauthors(submission):
    submission.authors.append(
        SubmissionAuthor(position=2, full_name="John Smith", email="john.smith@example.org")
    )
    submission.authors.append(  # the same address again: one message
        SubmissionAuthor(position=3, full_name="J. Smith", email="John.Smith@example.org")
    )
    submission.authors.append(SubmissionAuthor(position=4, full_name="Không có thư", email=""))
    db.session.commit()
    return submission


def test_every_author_hears_of_publication_with_the_doi_and_address(mail_app, users, smtp_server):
    eic = users["editor_in_chief"]
    submission = _with_coauthors(make_ready_submission(users["author"]))
    issue = make_issue(3, 1, 2026)
    article = issues.schedule_article(submission, issue, eic)
    assert smtp_server.messages == []  # scheduling tells no one
    issues.publish_issue(issue, eic)
    recipients = sorted(str(m["To"]).lower() for m in smtp_server.messages)
    assert recipients == sorted([users["author"].email.lower(), "john.smith@example.org"])
    address = mail_app.config["BASE_URL"].rstrip("/") + f"/articles/{article.id}"
    for message in smtp_server.messages:
        body = message.get_content()
        assert f"https://doi.org/{article.doi}" in body
        assert address in body
        assert article.doi in str(message["Subject"])
        assert "Bài báo của bạn đã được xuất bản" in str(message["Subject"])
        assert "Your article is published" in str(message["Subject"])


def test_online_first_tells_the_authors_once(mail_app, users, smtp_server):
    eic = users["editor_in_chief"]
    submission = make_ready_submission(users["author"])
    article = issues.publish_online_first(submission, eic)
    assert [str(m["To"]) for m in smtp_server.messages] == [users["author"].email]
    issues.place_in_issue(article, make_issue(3, 2, 2026, published=True), eic)
    assert len(smtp_server.messages) == 1
