"""A researcher registers, confirms the e-mail, logs in, fills the wizard in Vietnamese and
submits, in a real headless Chromium against a live server."""

import re

import pytest

from journal.extensions import db
from journal.submissions.models import Submission

from .conftest import screenshot

pytestmark = pytest.mark.browser


def _confirmation_link(smtp_server, base):
    [message] = [m for m in smtp_server.messages if m["To"] == "tac.gia@example.org"]
    return re.search(re.escape(base) + r"/\S+", message.get_content()).group(0)


def _save(page):
    page.click("main form:last-of-type button[type=submit]")


def test_register_fill_the_wizard_in_vietnamese_and_submit(
    live_server, page, smtp_server, tmp_path
):
    live_server.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    base = live_server.base_url

    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.goto(base + "/account/register")
    page.fill("#full_name", "Nguyễn Thị Hương")
    page.fill("#email", "tac.gia@example.org")
    page.fill("#affiliation", "Trường Đại học Cần Thơ")
    page.fill("#password", "mật-khẩu-đủ-dài-2026")
    page.fill("#confirm", "mật-khẩu-đủ-dài-2026")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    assert "/account/register" in page.url  # the same answer for every address:
    assert page.locator("h1").inner_text() == "Vui lòng kiểm tra e-mail"  # nobody logged in

    page.goto(_confirmation_link(smtp_server, base))
    page.wait_for_load_state()
    page.wait_for_url(re.compile(r"/account/login$"))
    page.fill("#email", "tac.gia@example.org")
    page.fill("#password", "mật-khẩu-đủ-dài-2026")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    page.goto(base + "/submissions/new")
    page.select_option("#section_id", label="Nghiên cứu")
    page.check("input[name=language][value=vi]")
    _save(page)
    page.wait_for_url(re.compile(r"/metadata$"))
    page.fill("#title_vi", "Đánh giá khả năng chịu mặn của giống lúa OM18 ở Cà Mau")
    page.fill("#title_en", "Salinity tolerance of rice variety OM18 in Ca Mau")
    page.fill("#abstract_vi", "Nghiên cứu đánh giá khả năng chịu mặn của giống lúa OM18.")
    page.fill("#abstract_en", "We assess the salinity tolerance of rice variety OM18.")
    page.fill("#keywords_vi", "lúa, chịu mặn, Cà Mau")
    page.fill("#keywords_en", "rice, salinity, Ca Mau")
    _save(page)
    page.wait_for_url(re.compile(r"/authors$"))
    assert "Nguyễn Thị Hương" in page.content()

    submission_url = page.url.rsplit("/", 1)[0]
    page.goto(submission_url + "/funding")
    page.select_option("#province_id", label="Cà Mau")
    _save(page)
    page.wait_for_url(re.compile(r"/files$"))

    manuscript = tmp_path / "bản thảo.md"
    manuscript.write_text("# Mở đầu\n\nLúa OM18 chịu mặn tốt.\n", encoding="utf-8")
    page.set_input_files("input[type=file] >> nth=0", str(manuscript))
    page.click("main form >> nth=0 >> button[type=submit]")
    page.wait_for_load_state()
    assert "bản thảo.md" in page.content()

    page.goto(submission_url + "/letter")
    page.fill("#cover_letter", "Kính gửi Ban biên tập Tập san.")
    page.check("#declares_originality")
    page.fill("#competing_interests", "Không có.")
    page.check("#licence_consent")
    _save(page)
    page.wait_for_url(re.compile(r"/review$"))
    screenshot(page, "submission-review-vi")

    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + "/submissions/")
    text = page.inner_text("main")
    assert "Đánh giá khả năng chịu mặn của giống lúa OM18 ở Cà Mau" in text
    assert "Đã nộp" in text
    screenshot(page, "submission-dashboard-vi")

    submissions = db.session.execute(db.select(Submission)).scalars().all()
    assert [s.stage for s in submissions] == ["submitted"]
    assert submissions[0].province.code == "CM"
    received = [m for m in smtp_server.messages if m["To"] == "tac.gia@example.org"]
    assert len(received) == 2  # the confirmation, then the submission receipt
