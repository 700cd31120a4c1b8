"""``journal users create``."""

from journal.accounts.models import User
from journal.extensions import db
from journal.provinces import BoardMembership

from .helpers import translated


def _users():
    return list(db.session.execute(db.select(User)).scalars())


def test_creates_a_confirmed_admin_on_a_province_board(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Chief@Example.org",
            "--name",
            "Trần Văn Quản",
            "--password",
            "a long enough passphrase",
            "--role",
            "admin",
            "--board",
            "CT:province_editor",
            "--locale",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    [user] = _users()
    assert f"Created user {user.id} <chief@example.org>." in result.output
    assert user.email == "chief@example.org"
    assert user.email_confirmed
    assert user.is_admin and not user.is_editor_in_chief
    assert user.locale == "en"
    [membership] = user.memberships
    assert membership.province.code == "CT"
    assert membership.role == "province_editor"


def test_password_can_be_typed_at_the_prompt(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "p@example.org", "--name", "Nhập Mật Khẩu"],
        input="a long enough passphrase\na long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough passphrase" not in result.output


def test_unknown_province_exits_with_an_error_and_creates_nothing(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--name",
            "Không Tỉnh",
            "--password",
            "a long enough passphrase",
            "--board",
            "ZZ:province_editor",
        ]
    )
    assert result.exit_code == 2
    assert "unknown province or role in 'ZZ:province_editor'" in result.output
    assert _users() == []
    assert db.session.execute(db.select(BoardMembership)).first() is None


def test_unknown_board_role_exits_with_an_error(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "y@example.org",
            "--name",
            "Sai Vai Trò",
            "--password",
            "a long enough passphrase",
            "--board",
            "CT:overlord",
        ]
    )
    assert result.exit_code == 2
    assert _users() == []


def test_duplicate_email_exits_with_the_message(runner):
    args = [
        "users",
        "create",
        "--email",
        "d@example.org",
        "--name",
        "Trùng",
        "--password",
        "a long enough passphrase",
    ]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=[*args[:3], "D@example.org", *args[4:]])
    assert result.exit_code == 1
    # Outside a request the CLI speaks the default language, Vietnamese.
    assert translated("An account with this e-mail address already exists.", "vi") in result.output
    assert len(_users()) == 1
