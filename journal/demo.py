"""Demo data: only ever created by the ``demo`` command.

``load_demo()`` is idempotent: every record is looked up by its natural key (e-mail address,
task code, owner and title) and created only when missing; nothing existing is changed.
"""

from __future__ import annotations

from typing import NamedTuple

from .accounts.models import User
from .accounts.services import create_user, user_by_email
from .extensions import db
from .funded_tasks.models import FundedTask
from .provinces import BoardMembership, BoardRole, province_by_code
from .settings import journal_settings, update_journal_settings
from .submissions.models import Section, Submission, SubmissionAuthor

# A placeholder ISSN (its check digit is right) stored in the journal settings when none is
# set, so that typesetting and the Crossref and DOAJ exports work in the demo.
DEMO_ISSN = "0000-0000"
DEMO_PASSWORD = "demo-journal-2026"  # noqa: S105 (public by design: printed by `journal demo`)
DOMAIN = "demo.mekongjournal.vn"


class Person(NamedTuple):
    key: str  # also the local part of the e-mail address
    name: str
    affiliation: str
    province: str
    roles: tuple[str, ...]
    expertise: str


PEOPLE = [
    Person(
        "admin",
        "Trần Quốc Bảo",
        "Sở Khoa học và Công nghệ thành phố Cần Thơ",
        "CT",
        ("admin",),
        "",
    ),
    Person(
        "eic",
        "Nguyễn Thanh Phương",
        "Trường Đại học Cần Thơ",
        "CT",
        ("editor_in_chief",),
        "thủy văn, biến đổi khí hậu, hydrology, climate change",
    ),
    Person(
        "editor.ct",
        "Lê Văn Hòa",
        "Trường Đại học Cần Thơ",
        "CT",
        (),
        "khoa học đất, soil science",
    ),
    Person(
        "board.ct",
        "Phạm Thị Ngọc Hân",
        "Viện Lúa Đồng bằng sông Cửu Long",
        "CT",
        (),
        "chọn giống lúa, rice breeding",
    ),
    Person(
        "editor.ag",
        "Đoàn Minh Tâm",
        "Trường Đại học An Giang",
        "AG",
        (),
        "công nghệ sinh học, biotechnology",
    ),
    Person(
        "board.ag",
        "Huỳnh Thị Kim Loan",
        "Sở Khoa học và Công nghệ tỉnh An Giang",
        "AG",
        (),
        "quản lý khoa học, science management",
    ),
    Person(
        "editor.cm",
        "Tô Văn Lực",
        "Sở Khoa học và Công nghệ tỉnh Cà Mau",
        "CM",
        (),
        "nuôi trồng thủy sản, aquaculture",
    ),
    Person(
        "board.cm",
        "Quách Thị Mỹ Duyên",
        "Khoa Thủy sản, Trường Đại học Cần Thơ",
        "CM",
        (),
        "rừng ngập mặn, mangroves",
    ),
    Person(
        "editor.kg",
        "Danh Sơn",
        "Trường Đại học Kiên Giang",
        "KG",
        (),
        "nguồn lợi hải sản, fisheries",
    ),
    Person(
        "board.kg",
        "Lâm Thị Bích Tuyền",
        "Sở Khoa học và Công nghệ tỉnh Kiên Giang",
        "KG",
        (),
        "kinh tế biển, marine economy",
    ),
    Person(
        "author",
        "Nguyễn Văn Khánh",
        "Viện Lúa Đồng bằng sông Cửu Long",
        "CT",
        (),
        "lúa chịu mặn, salinity tolerance",
    ),
    Person(
        "author2",
        "Trần Thị Mai Anh",
        "Khoa Thủy sản, Trường Đại học Cần Thơ",
        "CM",
        (),
        "tôm nước lợ, brackish-water shrimp",
    ),
    Person(
        "author3",
        "Võ Hoàng Nam",
        "Trường Đại học An Giang",
        "AG",
        (),
        "tài nguyên nước, water resources",
    ),
    Person(
        "reviewer",
        "Lý Thanh Tùng",
        "Viện Lúa Đồng bằng sông Cửu Long",
        "CT",
        (),
        "chọn giống lúa, chịu mặn, rice breeding, salinity, plant physiology",
    ),
    Person(
        "reviewer2",
        "Châu Ngọc Diễm",
        "Trường Đại học Kiên Giang",
        "KG",
        (),
        "rừng ngập mặn, tôm – rừng, mangrove ecology, shrimp–mangrove systems",
    ),
]

# person key, province code, board role
BOARD = [
    ("editor.ct", "CT", BoardRole.PROVINCE_EDITOR),
    ("board.ct", "CT", BoardRole.BOARD_MEMBER),
    ("editor.ag", "AG", BoardRole.PROVINCE_EDITOR),
    ("board.ag", "AG", BoardRole.BOARD_MEMBER),
    ("editor.cm", "CM", BoardRole.PROVINCE_EDITOR),
    ("board.cm", "CM", BoardRole.BOARD_MEMBER),
    ("editor.kg", "KG", BoardRole.PROVINCE_EDITOR),
    ("board.kg", "KG", BoardRole.BOARD_MEMBER),
]

# The accounts printed by ``journal demo`` (and listed in the README): every one.
LISTED = [
    ("Administrator", "admin"),
    ("Editor-in-chief", "eic"),
    ("Province editor (CT)", "editor.ct"),
    ("Board member (CT)", "board.ct"),
    ("Province editor (AG)", "editor.ag"),
    ("Board member (AG)", "board.ag"),
    ("Province editor (CM)", "editor.cm"),
    ("Board member (CM)", "board.cm"),
    ("Province editor (KG)", "editor.kg"),
    ("Board member (KG)", "board.kg"),
    ("Author", "author"),
    ("Author (CM)", "author2"),
    ("Author (AG)", "author3"),
    ("Reviewer", "reviewer"),
    ("Reviewer (KG)", "reviewer2"),
]

TASKS = [
    {
        "code": "CT.2023-07/ĐT",
        "province": "CT",
        "title_vi": "Chọn tạo giống lúa chịu mặn thích ứng biến đổi khí hậu cho vùng ven biển "
        "Đồng bằng sông Cửu Long",
        "title_en": "Breeding salt-tolerant rice varieties adapted to climate change for the "
        "coastal Mekong Delta",
        "agency": "Sở Khoa học và Công nghệ thành phố Cần Thơ",
        "programme": "Chương trình KH&CN trọng điểm cấp thành phố",
        "start_year": 2023,
        "end_year": 2025,
        "budget_vnd": 2_350_000_000,
        "principal_investigator": "PGS.TS. Nguyễn Văn Khánh",
    },
    {
        "code": "CM.2022-03/ĐT",
        "province": "CM",
        "title_vi": "Mô hình nuôi tôm – rừng kết hợp bền vững tại huyện Ngọc Hiển, tỉnh Cà Mau",
        "title_en": "Sustainable integrated shrimp–mangrove farming in Ngoc Hien district, "
        "Ca Mau province",
        "agency": "Sở Khoa học và Công nghệ tỉnh Cà Mau",
        "programme": "Chương trình phát triển kinh tế thủy sản bền vững",
        "start_year": 2022,
        "end_year": 2024,
        "budget_vnd": 1_850_000_000,
        "principal_investigator": "TS. Trần Thị Mai Anh",
    },
    {
        "code": "CM.2024-01/ĐT",
        "province": "CM",
        "title_vi": "Phục hồi rừng ngập mặn chống sạt lở bờ biển Tây tỉnh Cà Mau",
        "title_en": "Restoring mangroves against erosion on the western coast of Ca Mau province",
        "agency": "Sở Khoa học và Công nghệ tỉnh Cà Mau",
        "programme": "Chương trình ứng phó biến đổi khí hậu",
        "start_year": 2024,
        "end_year": 2026,
        "budget_vnd": 3_200_000_000,
        "principal_investigator": "TS. Châu Ngọc Diễm",
    },
    {
        "code": "KG.2023-02/ĐT",
        "province": "KG",
        "title_vi": "Đánh giá nguồn lợi hải sản vùng biển Kiên Giang và đề xuất giải pháp khai "
        "thác bền vững",
        "title_en": "Marine fishery resources of the Kien Giang sea and options for sustainable "
        "harvesting",
        "agency": "Sở Khoa học và Công nghệ tỉnh Kiên Giang",
        "programme": "Chương trình KH&CN phát triển kinh tế biển",
        "start_year": 2023,
        "end_year": 2025,
        "budget_vnd": 2_750_000_000,
        "principal_investigator": "ThS. Danh Sơn",
    },
    {
        "code": "KG.2024-05/ĐT",
        "province": "KG",
        "title_vi": "Nuôi tôm càng xanh luân canh trên ruộng lúa tại huyện U Minh Thượng",
        "title_en": "Giant freshwater prawn in rotation with rice in U Minh Thuong district",
        "agency": "Sở Khoa học và Công nghệ tỉnh Kiên Giang",
        "programme": "Chương trình nông nghiệp ứng dụng công nghệ cao",
        "start_year": 2024,
        "end_year": 2025,
        "budget_vnd": 980_000_000,
        "principal_investigator": "TS. Lâm Thị Bích Tuyền",
    },
    {
        "code": "AG.2023-04/ĐT",
        "province": "AG",
        "title_vi": "Ứng dụng công nghệ sinh học trong sản xuất lúa giống chất lượng cao tại "
        "tỉnh An Giang",
        "title_en": "Biotechnology for producing high-quality rice seed in An Giang province",
        "agency": "Sở Khoa học và Công nghệ tỉnh An Giang",
        "programme": "Chương trình KH&CN cấp tỉnh",
        "start_year": 2023,
        "end_year": 2024,
        "budget_vnd": 1_200_000_000,
        "principal_investigator": "TS. Đoàn Minh Tâm",
    },
    {
        "code": "AG.2024-02/ĐT",
        "province": "AG",
        "title_vi": "Giải pháp quản lý xâm nhập mặn cho vùng trồng lúa Tứ giác Long Xuyên",
        "title_en": "Managing saline intrusion in the rice areas of the Long Xuyen Quadrangle",
        "agency": "Sở Khoa học và Công nghệ tỉnh An Giang",
        "programme": "Chương trình ứng phó biến đổi khí hậu",
        "start_year": 2024,
        "end_year": 2026,
        "budget_vnd": 1_650_000_000,
        "principal_investigator": "ThS. Võ Hoàng Nam",
    },
]

# owner, submit?, section, task code (or None), province (when no task), co-authors, texts
SUBMISSIONS = [
    {
        "owner": "author",
        "submit": True,
        "section": "research",
        "task": "CT.2023-07/ĐT",
        "coauthors": [("Phạm Thị Ngọc Hân", "Viện Lúa Đồng bằng sông Cửu Long")],
        "title_vi": "Đánh giá khả năng chịu mặn của 12 dòng lúa triển vọng ở giai đoạn mạ",
        "title_en": "Salinity tolerance of twelve promising rice lines at the seedling stage",
        "abstract_vi": "Mười hai dòng lúa triển vọng được đánh giá trong dung dịch dinh dưỡng "
        "Yoshida ở các nồng độ muối 0, 4, 8 và 12 ‰. Ba dòng duy trì sinh trưởng tốt ở 8 ‰ và "
        "được đề xuất đưa vào khảo nghiệm đồng ruộng tại vùng ven biển.",
        "abstract_en": "Twelve promising rice lines were screened in Yoshida nutrient solution "
        "at 0, 4, 8 and 12 ‰ salinity. Three lines kept growing well at 8 ‰ and are proposed "
        "for field trials in coastal areas.",
        "keywords_vi": "lúa, chịu mặn, giai đoạn mạ, Đồng bằng sông Cửu Long",
        "keywords_en": "rice, salinity tolerance, seedling stage, Mekong Delta",
    },
    {
        "owner": "author2",
        "submit": True,
        "section": "results",
        "task": "CM.2022-03/ĐT",
        "coauthors": [("Tô Văn Lực", "Sở Khoa học và Công nghệ tỉnh Cà Mau")],
        "title_vi": "Hiệu quả kinh tế và môi trường của mô hình tôm – rừng tại huyện Ngọc Hiển",
        "title_en": "Economic and environmental performance of shrimp–mangrove farms in Ngoc "
        "Hien district",
        "abstract_vi": "Khảo sát 120 hộ nuôi tôm – rừng cho thấy lợi nhuận bình quân ổn định "
        "qua ba vụ, chi phí thức ăn thấp và tỷ lệ che phủ rừng được duy trì trên 50 %.",
        "abstract_en": "A survey of 120 shrimp–mangrove households shows stable average profit "
        "over three seasons, low feed costs and forest cover kept above 50 %.",
        "keywords_vi": "tôm – rừng, rừng ngập mặn, Cà Mau, hiệu quả kinh tế",
        "keywords_en": "shrimp–mangrove, mangroves, Ca Mau, profitability",
    },
    {
        "owner": "author3",
        "submit": True,
        "section": "research",
        "task": "AG.2024-02/ĐT",
        "coauthors": [],
        "title_vi": "Diễn biến xâm nhập mặn mùa khô 2024 tại vùng Tứ giác Long Xuyên",
        "title_en": "Saline intrusion in the 2024 dry season in the Long Xuyen Quadrangle",
        "abstract_vi": "Số liệu quan trắc độ mặn tại 18 trạm cho thấy ranh mặn 4 ‰ tiến sâu "
        "thêm 10–15 km so với trung bình nhiều năm; bài báo đề xuất lịch vận hành cống phù hợp.",
        "abstract_en": "Salinity records from 18 stations show the 4 ‰ line moving 10–15 km "
        "further inland than the long-term mean; we propose a sluice operation schedule.",
        "keywords_vi": "xâm nhập mặn, Tứ giác Long Xuyên, vận hành cống",
        "keywords_en": "saline intrusion, Long Xuyen Quadrangle, sluice operation",
    },
    {
        "owner": "author",
        "submit": False,
        "section": "short",
        "task": "CT.2023-07/ĐT",
        "coauthors": [],
        "title_vi": "Ảnh hưởng của độ mặn đến năng suất giống lúa OM5451 trên đất phèn nhẹ",
        "title_en": "Effect of salinity on the yield of rice variety OM5451 on slightly acid "
        "sulphate soil",
        "abstract_vi": "Thí nghiệm chậu với bốn mức mặn cho thấy năng suất giảm rõ từ 4 ‰.",
        "abstract_en": "A pot trial at four salinity levels shows yield falling clearly from 4 ‰.",
        "keywords_vi": "lúa OM5451, độ mặn, đất phèn",
        "keywords_en": "OM5451 rice, salinity, acid sulphate soil",
    },
    {
        "owner": "author2",
        "submit": False,
        "section": "research",
        "task": "CM.2024-01/ĐT",
        "coauthors": [("Châu Ngọc Diễm", "Trường Đại học Kiên Giang")],
        "title_vi": "Mật độ trồng đước thích hợp cho phục hồi rừng ngập mặn ven biển Tây Cà Mau",
        "title_en": "Suitable Rhizophora planting density for mangrove restoration on the "
        "western coast of Ca Mau",
        "abstract_vi": "Ba mật độ trồng được so sánh sau 18 tháng về tỷ lệ sống và khả năng "
        "bồi lắng trầm tích.",
        "abstract_en": "Three planting densities are compared after 18 months for survival "
        "and sediment accretion.",
        "keywords_vi": "rừng ngập mặn, cây đước, sạt lở, Cà Mau",
        "keywords_en": "mangroves, Rhizophora, erosion, Ca Mau",
    },
    {
        "owner": "author3",
        "submit": False,
        "section": "research",
        "task": None,
        "province": "KG",
        "coauthors": [],
        "title_vi": "Đa dạng thành phần loài cá rạn san hô vùng biển Kiên Giang",
        "title_en": "Species diversity of coral reef fishes in the Kien Giang sea",
        "abstract_vi": "Bản thảo: kết quả điều tra 24 điểm lặn quanh quần đảo Nam Du.",
        "abstract_en": "Draft: results of a survey of 24 dive sites around the Nam Du islands.",
        "keywords_vi": "cá rạn san hô, đa dạng sinh học, biển Kiên Giang",
        "keywords_en": "coral reef fishes, biodiversity, Kien Giang sea",
    },
]


def _email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def _ensure_people() -> dict[str, User]:
    people = {}
    for person in PEOPLE:
        user = user_by_email(_email(person.key))
        if user is None:
            user = create_user(
                _email(person.key),
                DEMO_PASSWORD,
                person.name,
                affiliation=person.affiliation,
                province=province_by_code(person.province),
                expertise=person.expertise,
                roles=person.roles,
                confirmed=True,
                commit=False,
            )
        people[person.key] = user
    for key, province_code, role in BOARD:
        user, province = people[key], province_by_code(province_code)
        exists = db.session.execute(
            db.select(BoardMembership.id).filter_by(
                user_id=user.id, province_id=province.id, role=role.value
            )
        ).first()
        if exists is None:
            db.session.add(
                BoardMembership(user_id=user.id, province_id=province.id, role=role.value)
            )
    return people


def _ensure_tasks() -> dict[str, FundedTask]:
    tasks = {}
    for spec in TASKS:
        values = dict(spec)
        province = province_by_code(values.pop("province"))
        task = db.session.execute(
            db.select(FundedTask).filter_by(code=values["code"])
        ).scalar_one_or_none()
        if task is None:
            task = FundedTask(province_id=province.id, **values)
            db.session.add(task)
        tasks[task.code] = task
    db.session.flush()
    return tasks


def _ensure_submissions(people: dict[str, User], tasks: dict[str, FundedTask]) -> None:
    from .workflow import transition

    sections = {s.code: s for s in db.session.execute(db.select(Section)).scalars()}
    for spec in SUBMISSIONS:
        owner = people[spec["owner"]]
        exists = db.session.execute(
            db.select(Submission.id).filter_by(owner_id=owner.id, title_vi=spec["title_vi"])
        ).first()
        if exists is not None:
            continue
        task = tasks[spec["task"]] if spec["task"] else None
        submission = Submission(
            owner=owner,
            section=sections[spec["section"]],
            language="vi",
            funded_task=task,
            province_id=task.province_id if task else province_by_code(spec["province"]).id,
            cover_letter="Kính gửi Ban biên tập Tập san Khoa học và Công nghệ ĐBSCL.",
            declares_originality=True,
            competing_interests="Không có.",
            licence_consent=True,
            **{
                name: spec[name]
                for name in (
                    "title_vi",
                    "title_en",
                    "abstract_vi",
                    "abstract_en",
                    "keywords_vi",
                    "keywords_en",
                )
            },
        )
        submission.authors.append(
            SubmissionAuthor(
                position=1,
                full_name=owner.full_name,
                email=owner.email,
                affiliation=owner.affiliation,
                corresponding=True,
                user_id=owner.id,
            )
        )
        for position, (name, affiliation) in enumerate(spec["coauthors"], start=2):
            coauthor = next((p for p in people.values() if p.full_name == name), None)
            submission.authors.append(
                SubmissionAuthor(
                    position=position,
                    full_name=name,
                    email=coauthor.email if coauthor else "",
                    affiliation=affiliation,
                    corresponding=False,
                    user_id=coauthor.id if coauthor else None,
                )
            )
        db.session.add(submission)
        db.session.flush()
        if spec["submit"]:
            transition(submission, "submit", owner)


def ensure_demo_settings(admin) -> None:
    """The placeholder ISSN, unless the journal has an ISSN (or the deployment fixes one)."""
    settings = journal_settings()
    if settings.issns or {"ISSN_PRINT", "ISSN_ONLINE"} & settings.pinned:
        return
    update_journal_settings(admin, {"ISSN_ONLINE": DEMO_ISSN}, version=settings.version)


def load_demo() -> list[tuple[str, str]]:
    """Create the demo journal if missing; returns the demo accounts as (role, e-mail)."""
    from .seed import seed_reference_data

    seed_reference_data()
    people = _ensure_people()
    tasks = _ensure_tasks()
    ensure_demo_settings(people["admin"])
    _ensure_submissions(people, tasks)
    db.session.commit()
    from .review.demo import ensure_review_demo

    ensure_review_demo(people, tasks)  # routed, and one submission in every editorial state
    from .publish.production_demo import ensure_production_demo

    ensure_production_demo(people, tasks)  # typesets: a few seconds
    from .publish.publishing_demo import ensure_publishing_demo

    ensure_publishing_demo(people, tasks)  # four more articles typeset; volume 1 published
    from .usage.demo import ensure_usage_demo

    ensure_usage_demo()  # a month of readers: figures on the pages and in the report
    from flask import current_app

    from .signals import demo_loaded

    demo_loaded.send(current_app._get_current_object(), people=people, tasks=tasks)
    from .search.services import reindex

    reindex()  # the published demo articles, searchable at once
    return [(label, people[key].email) for label, key in LISTED]
