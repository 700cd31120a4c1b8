"""A board member opens the yearly report in a real headless Chromium: the charts are drawn
(inline SVG, nothing blocked by the page's CSP), and the page is kept as a screenshot."""

from __future__ import annotations

import pytest

from journal.provinces import BoardRole

from ..e2e.conftest import screenshot
from ..factories import PASSWORD, make_board_member, make_user

pytestmark = pytest.mark.browser


def test_a_board_member_sees_the_report_with_its_charts(dataset, live_server, page):
    member = make_user("bao.cao@example.org", "Lâm Thị Bích Tuyền", password=PASSWORD)
    make_board_member(member, "KG", BoardRole.BOARD_MEMBER)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    base = live_server.base_url

    page.goto(f"{base}/account/login")
    page.fill("#email", "bao.cao@example.org")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/admin/")
    page.click("a[href='/reports/']")
    page.select_option("#year", "2025")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Báo cáo số liệu năm 2025"
    for chart in ("chart-by-province", "chart-programme", "chart-trend"):
        box = page.locator(f"svg#{chart}").bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 200, chart
    assert page.locator("svg#chart-by-province rect[height]").count() >= 15  # 5 × 3 bars
    assert page.locator("svg#chart-trend circle").count() == 15  # 3 lines × 5 years
    total = page.locator("tr[data-figure='acceptance_rate'] td.report-total").inner_text()
    assert total == "57,1%"
    assert blocked == []
    screenshot(page, "reports-yearly-2025")
