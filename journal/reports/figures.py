"""The report's vocabulary: the figures, their definitions and the printed headings.

The yearly report is a document of the four DOSTs in both languages at once (the PDF and
the CSV carry Vietnamese and English side by side), so its names are held here as
bilingual pairs, like the names of sections and provinces; the pages' own words (buttons,
messages) go through the translation catalogs.

Listeners add figures of their own (the exchange bridge: offers, startups, experts,
requests) by answering ``journal.signals.report_figures_requested`` with ``ExtraFigure``
values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .periods import Counts


@dataclass(frozen=True)
class Label:
    vi: str
    en: str

    def __call__(self, locale: str) -> str:
        return self.en if locale == "en" else self.vi

    def format(self, **values) -> Label:
        """Both texts filled in; a Label among ``values`` gives each language its own."""

        def values_in(lang):
            return {k: v(lang) if isinstance(v, Label) else v for k, v in values.items()}

        return Label(self.vi.format(**values_in("vi")), self.en.format(**values_in("en")))


COUNT, RATE, DAYS = "count", "rate", "days"


@dataclass(frozen=True)
class Figure:
    key: str
    section: str
    kind: str  # COUNT, RATE (a share between 0 and 1) or DAYS (a median)
    label: Label
    definition: Label

    @property
    def unit(self) -> Label | None:
        return UNITS.get(self.kind)


@dataclass(frozen=True)
class ExtraFigure:
    """A count a listener adds to the report: ``counts`` maps (province id or None, year)
    to the number (years of ``journal.reports.periods.Period``)."""

    key: str
    label_vi: str
    label_en: str
    definition_vi: str
    definition_en: str
    counts: Counts = field(default_factory=dict)

    def as_figure(self) -> Figure:
        return Figure(
            self.key,
            PROGRAMME,
            COUNT,
            Label(self.label_vi, self.label_en),
            Label(self.definition_vi, self.definition_en),
        )


UNITS = {RATE: Label("%", "%"), DAYS: Label("ngày", "days")}

EDITORIAL, REVIEW, PUBLISHING, USAGE, PROGRAMME = (
    "editorial",
    "review",
    "publishing",
    "usage",
    "programme",
)
SECTIONS = {
    EDITORIAL: Label("Biên tập", "Editorial process"),
    REVIEW: Label("Phản biện", "Peer review"),
    PUBLISHING: Label("Xuất bản và nhiệm vụ KH&CN", "Publishing and funded tasks"),
    USAGE: Label("Lượt đọc (COUNTER)", "Usage (COUNTER)"),
    PROGRAMME: Label("Chương trình hợp tác", "Cooperation programme"),
}

FIGURES = [
    Figure(
        "submissions",
        EDITORIAL,
        COUNT,
        Label("Bài gửi đến", "Submissions"),
        Label(
            "Bài được gửi lần đầu trong năm, theo tỉnh tiếp nhận bài.",
            "Manuscripts first submitted in the year, by the province that handles them.",
        ),
    ),
    Figure(
        "desk_rejections",
        EDITORIAL,
        COUNT,
        Label("Từ chối không qua phản biện", "Desk rejections"),
        Label(
            "Bài bị từ chối ngay, không gửi phản biện, trong năm.",
            "Manuscripts rejected without review during the year.",
        ),
    ),
    Figure(
        "acceptances",
        EDITORIAL,
        COUNT,
        Label("Chấp nhận đăng", "Acceptances"),
        Label("Bài được chấp nhận đăng trong năm.", "Manuscripts accepted during the year."),
    ),
    Figure(
        "rejections",
        EDITORIAL,
        COUNT,
        Label("Từ chối sau phản biện", "Rejections after review"),
        Label(
            "Bài bị từ chối sau phản biện trong năm.",
            "Manuscripts rejected after review during the year.",
        ),
    ),
    Figure(
        "acceptance_rate",
        EDITORIAL,
        RATE,
        Label("Tỷ lệ chấp nhận", "Acceptance rate"),
        Label(
            "Chấp nhận / (chấp nhận + từ chối sau phản biện + từ chối không qua phản biện), "
            "trên các quyết định cuối cùng trong năm.",
            "Acceptances / (acceptances + rejections + desk rejections), over the final "
            "decisions of the year.",
        ),
    ),
    Figure(
        "days_to_first_decision",
        EDITORIAL,
        DAYS,
        Label("Số ngày đến quyết định đầu tiên (trung vị)", "Median days to first decision"),
        Label(
            "Từ ngày gửi bài đến quyết định đầu tiên (kể cả yêu cầu sửa chữa và từ chối "
            "không qua phản biện), với các quyết định đầu tiên trong năm.",
            "From submission to the first decision (revision requests and desk rejections "
            "included), for first decisions made in the year.",
        ),
    ),
    Figure(
        "days_to_publication",
        EDITORIAL,
        DAYS,
        Label("Số ngày từ khi gửi đến khi xuất bản (trung vị)", "Median days to publication"),
        Label(
            "Từ ngày gửi bài đến ngày xuất bản, với các bài xuất bản trong năm.",
            "From submission to publication, for the articles published in the year.",
        ),
    ),
    Figure(
        "reviews_completed",
        REVIEW,
        COUNT,
        Label("Nhận xét phản biện hoàn thành", "Reviews completed"),
        Label("Nhận xét phản biện được nộp trong năm.", "Reviews submitted during the year."),
    ),
    Figure(
        "reviewer_turnaround",
        REVIEW,
        DAYS,
        Label("Thời gian phản biện (trung vị, ngày)", "Median reviewer turnaround (days)"),
        Label(
            "Từ khi người phản biện nhận lời mời đến khi nộp nhận xét, với các nhận xét nộp "
            "trong năm.",
            "From the reviewer accepting the invitation to submitting the review, for the "
            "reviews submitted in the year.",
        ),
    ),
    Figure(
        "articles_published",
        PUBLISHING,
        COUNT,
        Label("Bài báo đã xuất bản", "Articles published"),
        Label(
            "Bài báo xuất bản trong năm và vẫn đang được công bố (không tính bài đã gỡ).",
            "Articles published in the year and still online (taken-down articles are not "
            "counted).",
        ),
    ),
    Figure(
        "tasks_registered",
        PUBLISHING,
        COUNT,
        Label("Nhiệm vụ KH&CN được đăng ký", "Funded tasks registered"),
        Label(
            "Nhiệm vụ KH&CN được đưa vào danh mục trong năm, theo tỉnh cấp kinh phí.",
            "Funded S&T tasks entered in the registry during the year, by funding province.",
        ),
    ),
    Figure(
        "tasks_with_results",
        PUBLISHING,
        COUNT,
        Label("Nhiệm vụ có kết quả được công bố", "Funded tasks with published results"),
        Label(
            "Nhiệm vụ KH&CN có ít nhất một bài báo xuất bản trong năm (vẫn đang được công bố).",
            "Funded tasks with at least one article published in the year (still online).",
        ),
    ),
    Figure(
        "usage_views",
        USAGE,
        COUNT,
        Label("Lượt xem bài báo", "Article views"),
        Label(
            "Lượt mở trang bài báo (có toàn văn) trong năm, theo tỉnh của bài; không tính "
            "máy tìm kiếm và robot, các lần mở lại trong 30 giây tính một lần.",
            "Visits to the articles' pages (with the full text) during the year, by the "
            "article's province; robots excluded, repeats within 30 seconds counted once.",
        ),
    ),
    Figure(
        "usage_downloads",
        USAGE,
        COUNT,
        Label("Lượt tải bài báo", "Article downloads"),
        Label(
            "Lượt tải bản PDF hoặc JATS XML trong năm, theo tỉnh của bài, cùng quy tắc.",
            "PDF and JATS XML downloads during the year, by the article's province, by the "
            "same rules.",
        ),
    ),
    Figure(
        "usage_total_requests",
        USAGE,
        COUNT,
        Label("Lượt truy cập toàn văn (Total_Item_Requests)", "Total_Item_Requests"),
        Label(
            "Lượt xem toàn văn trên trang bài báo và lượt tải, theo quy tắc COUNTER R5.",
            "Full text read on the article page or downloaded, by the COUNTER R5 rules.",
        ),
    ),
    Figure(
        "usage_unique_requests",
        USAGE,
        COUNT,
        Label("Phiên truy cập toàn văn (Unique_Item_Requests)", "Unique_Item_Requests"),
        Label(
            "Số phiên đọc (một địa chỉ và trình duyệt trong một giờ) có truy cập toàn văn "
            "của bài, theo quy tắc COUNTER R5.",
            "Reading sessions (one address and browser within an hour) that reached an "
            "article's full text, by the COUNTER R5 rules.",
        ),
    ),
]
FIGURES_BY_KEY = {f.key: f for f in FIGURES}

# The figures the charts show.
BY_PROVINCE_CHART = ("submissions", "acceptances", "articles_published")
TREND_CHART = ("submissions", "acceptances", "articles_published")

TEXT = {
    "title": Label("Báo cáo số liệu năm {year}", "Yearly report {year}"),
    "lead": Label(
        "Số liệu hoạt động của Tập san theo từng tỉnh, thành phố, phục vụ đánh giá chương "
        "trình hợp tác của bốn Sở Khoa học và Công nghệ.",
        "The journal's figures for each province, for the four Departments of Science and "
        "Technology's evaluation of their cooperation programme.",
    ),
    "figure": Label("Chỉ tiêu", "Figure"),
    "total": Label("Tổng cộng", "Total"),
    "no_province": Label("Chưa xác định tỉnh", "No province"),
    "charts": Label("Biểu đồ", "Charts"),
    "definitions": Label("Định nghĩa", "Definitions"),
    "no_data": Label("— : không có số liệu", "— : no data"),
    "years_note": Label(
        "Năm tính theo giờ Việt Nam (UTC+7). Số liệu lập ngày {date}.",
        "Years are calendar years in Vietnam time (UTC+7). Figures as of {date}.",
    ),
    "by_province_chart": Label(
        "Bài gửi đến, chấp nhận và xuất bản theo tỉnh, năm {year}",
        "Submissions, acceptances and articles by province, {year}",
    ),
    "programme_chart": Label(
        "Chương trình hợp tác theo tỉnh, năm {year}", "Cooperation programme by province, {year}"
    ),
    "trend_chart": Label("Diễn biến {first}–{last}: {scope}", "{first}–{last}: {scope}"),
    "all_provinces": Label("tất cả các tỉnh", "all provinces"),
    "usage_by_section": Label("Lượt đọc theo chuyên mục, năm {year}", "Usage by section, {year}"),
    "most_read": Label("Bài báo được đọc nhiều nhất năm {year}", "Most read articles of {year}"),
    "section": Label("Chuyên mục", "Section"),
    "article": Label("Bài báo", "Article"),
    "views": Label("Lượt xem", "Views"),
    "downloads": Label("Lượt tải", "Downloads"),
    "no_section": Label("Chưa xếp chuyên mục", "No section"),
    "no_usage": Label(
        "Chưa có lượt đọc nào được ghi nhận trong năm.", "No usage recorded in the year."
    ),
}
