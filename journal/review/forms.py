"""Forms of the editorial and review pages. Every validator carries its own translated
message; limits read from the configuration are checked again by the services."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from ..accounts.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from .labels import RATING_LABELS, RECOMMENDATION_LABELS
from .models import DecisionKind, Rating, Recommendation

REASON_MAX = 2000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _reason_field(label, required_message=None):
    validators = [
        Length(max=REASON_MAX, message=_l("The reason is too long (at most 2000 characters)."))
    ]
    if required_message:
        validators.insert(0, DataRequired(message=required_message))
    else:
        validators.insert(0, Optional())
    return TextAreaField(label, filters=[_strip], validators=validators)


class _MaxChars:
    """Length limit read from the configuration when the form is validated."""

    def __init__(self, config_key: str, message):
        self.config_key, self.message = config_key, message

    def __call__(self, form, field):
        maximum = current_app.config[self.config_key]
        if field.data and len(field.data) > maximum:
            raise ValidationError(str(self.message) % {"max": maximum})


class VersionedForm(FlaskForm):
    """A step on a submission: carries the version the editor saw (a newer one means
    someone changed it in the meantime)."""

    version = HiddenField(filters=[_int_or_none])


class ReassignForm(VersionedForm):
    editor_id = SelectField(_l("Handling editor"), coerce=_int_or_none, validate_choice=False)
    reason = _reason_field(_l("Reason (optional)"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.editor_id.choices = [SelectChoice(str(u.id), u.full_name) for u in candidates]
        self.editor_id.validators = [
            AnyOf([u.id for u in candidates], message=_l("Choose an editor from the list."))
        ]


class SendToReviewForm(VersionedForm):
    override_reason = _reason_field(_l("Reason to send despite the names found"))


class CopyUploadForm(FlaskForm):
    file = FileField(
        _l("Corrected anonymised copy"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the reviewer's e-mail address.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
            Email(message=_l("Enter a valid e-mail address, such as name@example.org.")),
        ],
    )
    full_name = StringField(
        _l("Full name (for a person without an account)"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("The name is too long."))],
    )
    due_date = DateField(
        _l("Review due on"),
        validators=[DataRequired(message=_l("Give the due date (YYYY-MM-DD)."))],
    )
    conflict_reason = _reason_field(_l("Reason to invite despite a possible conflict"))
    message_vi = TextAreaField(
        _l("Invitation text (Vietnamese)"),
        filters=[_strip],
        render_kw={"lang": "vi", "rows": 4},
        validators=[Length(max=5000, message=_l("The message is too long."))],
    )
    message_en = TextAreaField(
        _l("Invitation text (English)"),
        filters=[_strip],
        render_kw={"lang": "en", "rows": 4},
        validators=[Length(max=5000, message=_l("The message is too long."))],
    )
    # "preview": show the e-mail first; "edit": back to the form; else send the invitation.
    # (Set by the buttons, so not a hidden field.)
    step = StringField()


class DueDateForm(FlaskForm):
    due_date = DateField(
        _l("New due date"),
        validators=[DataRequired(message=_l("Give the due date (YYYY-MM-DD)."))],
    )


class ReinviteForm(FlaskForm):
    due_date = DateField(
        _l("Review due on"),
        validators=[DataRequired(message=_l("Give the due date (YYYY-MM-DD)."))],
    )


class RevokeForm(FlaskForm):
    reason = _reason_field(_l("Reason (optional, sent to the reviewer)"))


class AcceptForm(FlaskForm):
    """Accepting an invitation; a person without an account also chooses a password."""

    full_name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[Optional(), Length(max=200, message=_l("The name is too long."))],
    )
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            Optional(),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=_l(
                    "The password must have between %(min)d and %(max)d characters.",
                    min=PASSWORD_MIN_LENGTH,
                    max=PASSWORD_MAX_LENGTH,
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        render_kw={"autocomplete": "new-password"},
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )

    def __init__(self, *args, new_account: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_account = new_account

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.new_account:
            if not self.full_name.data:
                self.full_name.errors = [*self.full_name.errors, _l("Enter your full name.")]
                valid = False
            if not self.password.data:
                self.password.errors = [*self.password.errors, _l("Choose a password.")]
                valid = False
        return valid


class DeclineForm(FlaskForm):
    # No length check here: the service checks who declines first, then the reason.
    reason = TextAreaField(_l("Reason (optional)"), filters=[_strip])


class ReviewForm(FlaskForm):
    recommendation = RadioField(
        _l("Recommendation"),
        choices=[SelectChoice(r.value, RECOMMENDATION_LABELS[r]) for r in Recommendation],
        validate_choice=False,
        validators=[
            DataRequired(message=_l("Choose a recommendation.")),
            AnyOf([r.value for r in Recommendation], message=_l("Choose a recommendation.")),
        ],
    )
    comments_to_author = TextAreaField(
        _l("Comments to the authors"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Write your comments to the authors.")),
            _MaxChars(
                "REVIEW_COMMENT_MAX_CHARS",
                _l("The comments to the authors may be at most %(max)d characters long."),
            ),
        ],
    )
    comments_to_editor = TextAreaField(
        _l("Confidential comments to the editor (optional)"),
        filters=[_strip],
        validators=[
            _MaxChars(
                "REVIEW_COMMENT_MAX_CHARS",
                _l("The comments to the editor may be at most %(max)d characters long."),
            ),
        ],
    )
    competing_interests = TextAreaField(
        _l("Competing interests"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("State any competing interests (or write “None”).")),
            Length(max=5000, message=_l("The competing interests statement is too long.")),
        ],
    )
    attachment = FileField(_l("Attachment (optional: .docx, .odt, .md, .tex or .txt)"))


def question_field(name: str) -> str:
    return f"q_{name}"


def review_form(questions, locale, **kwargs) -> ReviewForm:
    """The review form with one rating per question the journal asks (journal settings)."""
    fields = {
        question_field(q.key): RadioField(
            q.text(locale),
            choices=[SelectChoice(r.value, RATING_LABELS[r]) for r in Rating],
            validate_choice=False,
            validators=[
                DataRequired(message=_l("Rate this question.")),
                AnyOf([r.value for r in Rating], message=_l("Rate this question.")),
            ],
        )
        for q in questions
    }
    form_class = type("StructuredReviewForm", (ReviewForm,), fields)
    form = form_class(**kwargs)
    form.questions = [(q, form[question_field(q.key)]) for q in questions]
    return form


class DecisionForm(VersionedForm):
    decision = HiddenField(
        validators=[AnyOf([d.value for d in DecisionKind], message=_l("Choose a decision."))],
    )
    # The decision whose template the letter was drafted from (the service refuses another).
    letter_for = HiddenField()
    # "preview" (the first send) or "confirm" (from the preview, with its token).
    step = HiddenField(default="preview")
    preview = HiddenField()
    letter_vi = TextAreaField(
        _l("Decision letter (Vietnamese)"),
        filters=[_strip],
        render_kw={"lang": "vi"},
        validators=[
            _MaxChars(
                "REVIEW_LETTER_MAX_CHARS",
                _l("The decision letter may be at most %(max)d characters long."),
            )
        ],
    )
    letter_en = TextAreaField(
        _l("Decision letter (English)"),
        filters=[_strip],
        render_kw={"lang": "en"},
        validators=[
            _MaxChars(
                "REVIEW_LETTER_MAX_CHARS",
                _l("The decision letter may be at most %(max)d characters long."),
            )
        ],
    )
    override_reason = _reason_field(
        _l("Reason to decide with fewer completed reviews (editor-in-chief only)")
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.letter_vi.data and not self.letter_en.data:
            self.letter_vi.errors = [*self.letter_vi.errors, _l("Write the decision letter.")]
            valid = False
        return valid


class RevisionFileForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])
