"""A table of contents costs a fixed number of SQL queries, whatever the issue's size."""

from __future__ import annotations

import contextlib

from sqlalchemy import event

from journal.extensions import db

from .factories import make_big_issue


@contextlib.contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _toc_queries(client, issue) -> tuple[int, str]:
    with counted_queries() as statements:
        response = client.get(f"/issues/{issue.id}")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_toc_query_count_does_not_grow_with_the_issue(app, client):
    small = make_big_issue(30, volume=1)
    large = make_big_issue(300, volume=2)
    small_count, small_page = _toc_queries(client, small)
    large_count, large_page = _toc_queries(client, large)
    assert small_count == large_count <= 8
    assert small_page.count('class="article-item"') == 30
    assert large_page.count('class="article-item"') == 300
    assert "Nguyễn Văn A, Trần Thị B, John Smith" in large_page
