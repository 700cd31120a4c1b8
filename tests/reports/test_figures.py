"""Every figure of the report against the hand counts of tests/reports/dataset.py."""

from __future__ import annotations

import pytest
from blinker import ANY

from journal.errors import PermissionDenied
from journal.provinces import province_by_code
from journal.reports.figures import ExtraFigure
from journal.reports.periods import Period, current_year, year_of
from journal.reports.services import yearly_report
from journal.signals import report_figures_requested

from .dataset import EXPECTED, EXPECTED_TREND, NONE, at


def _table(report) -> dict:
    """{figure: {province code: value, "total": value}} as the report has it."""
    return {
        row.figure.key: {
            **{c.code: v for c, v in zip(report.columns, row.values, strict=True)},
            "total": row.total,
        }
        for row in report.rows
    }


def test_every_figure_matches_the_hand_count(dataset, users):
    for year in (2025, 2024):
        table = _table(yearly_report(users["editor_in_chief"], year))
        assert list(table) == list(EXPECTED[year])
        for key, expected in EXPECTED[year].items():
            assert table[key] == pytest.approx(expected), (year, key)


def test_columns_trend_and_a_year_without_activity(dataset, users):
    everywhere = yearly_report(users["board_member"], 2025)
    can_tho = yearly_report(users["board_member"], 2025, trend_province=province_by_code("CT"))
    in_2024 = yearly_report(users["admin"], 2024)
    in_2023 = yearly_report(users["admin"], 2023)

    # Provinces by code, then the rows without one (expert E3) when the year has some.
    assert [c.code for c in everywhere.columns] == ["AG", "CM", "CT", "KG", NONE]
    assert everywhere.columns[-1].province is None
    assert [c.code for c in in_2024.columns] == ["AG", "CM", "CT", "KG"]
    # The trend: five years, all provinces or one.
    assert everywhere.trend_years == (2021, 2022, 2023, 2024, 2025)
    assert {s.figure.key: s.values for s in everywhere.trend} == EXPECTED_TREND[None]
    assert {s.figure.key: s.values for s in can_tho.trend} == EXPECTED_TREND["CT"]
    # A year without activity: zeros, and no rate or median.
    assert in_2023.value("submissions") == 0 and in_2023.value("experts") == 0
    assert in_2023.value("acceptance_rate") is None
    assert in_2023.value("days_to_publication") is None
    # The years one may choose: from the first activity (2024) to this year.
    assert everywhere.years == tuple(range(current_year(), 2023, -1))


def test_years_are_counted_in_vietnam_time():
    """18:00 UTC on 31 December is already the next year in Vietnam."""
    edge = at(2025, 1, 1, hour=1)
    assert (edge.utcoffset().total_seconds(), year_of(edge)) == (7 * 3600, 2025)
    assert Period(2024, 2025).years == [2024, 2025]
    with pytest.raises(ValueError):
        Period(2025, 2024)


def test_only_board_members_the_editor_in_chief_and_admins_get_the_figures(app, users):
    for role in ("author", "other_author"):
        with pytest.raises(PermissionDenied):
            yearly_report(users[role], 2025)
    with pytest.raises(PermissionDenied):
        yearly_report(None, 2025)
    for role in ("province_editor", "board_member", "other_board", "editor_in_chief", "admin"):
        assert yearly_report(users[role], 2025).value("submissions") == 0


def test_listeners_add_figures_and_what_is_not_a_figure_is_left_out(app, users):
    extra = ExtraFigure(
        "events_held",
        "Sự kiện",
        "Events",
        "Sự kiện trong năm.",
        "Events of the year.",
        counts={(province_by_code("KG").id, 2025): 2, (province_by_code("KG").id, 2024): 5},
    )
    duplicate = ExtraFigure("submissions", "Trùng", "Duplicate", "", "", counts={})

    def answer(sender, period=None, **_):
        assert period == Period(2021, 2025)
        return [extra, duplicate, "not a figure"]

    with report_figures_requested.connected_to(answer, sender=ANY):
        report = yearly_report(users["admin"], 2025)

    assert report.value("events_held", "KG") == 2
    assert report.value("events_held") == 2
    assert report.row("events_held").figure.label("en") == "Events"
    assert [r.figure.key for r in report.rows].count("submissions") == 1
    assert report.row("submissions").figure.label("en") == "Submissions"


def test_when_the_bridge_cannot_count_the_report_still_has_the_journal_figures(
    app, users, monkeypatch, caplog
):
    from exchange_bridge import report_figures

    def broken(period):
        raise RuntimeError("bridge tables unavailable")

    monkeypatch.setattr(report_figures, "_counts", broken)
    report = yearly_report(users["admin"], 2025)

    assert report.programme_rows() == []
    assert report.value("submissions") == 0
    assert "the report's figures could not be counted" in caplog.text


def test_the_service_refuses_a_year_out_of_range(app, users):
    from journal.reports.services import InvalidReportRequest

    for year in (1999, current_year() + 1):
        with pytest.raises(InvalidReportRequest):
            yearly_report(users["admin"], year)
