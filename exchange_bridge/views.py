"""The bridge's pages: the public listings (technologies, startups, experts, requests),
the forms that complete, flag, approve and post, and the delivery log for administrators.

Views parse the request, load or 404, check permission or 403, call one service, then
flash and redirect or render.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from journal.errors import JournalError, NotFound
from journal.extensions import limiter
from journal.provinces import all_provinces, province_by_code
from journal.publish.conditional import conditional

from . import demand, experts, offers, outbox, startups
from .errors import BridgeError
from .forms import OfferForm, ReasonForm, RequestForm, StartupForm
from .listings import listing_state
from .permissions import (
    can_approve_startup,
    can_be_expert,
    can_flag_startup,
    can_manage_offer,
    can_moderate_request,
    can_see_request_queue,
    can_view_deliveries,
    can_view_offer,
    can_view_startup,
    is_bridge_editor,
)
from .vocabulary import FIELD_CODES, FIELDS

bp = Blueprint("bridge", __name__)

PAGE_MAX = 10_000


def _locale() -> str:
    return str(get_locale() or "vi")


@dataclass(frozen=True)
class Filters:
    query: str
    province: object
    field: str
    page: int

    def args(self, **changes) -> dict:
        values = {
            "q": self.query or None,
            "province": self.province.code if self.province else None,
            "field": self.field or None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def listing_filters(args) -> Filters:
    """The search box, province and field filters and page of a listing (4xx if wrong)."""
    code = args.get("province", "", type=str)
    province = None
    if code:
        province = province_by_code(code) if re.fullmatch(r"[A-Za-z]{2,8}", code) else None
        if province is None:
            raise NotFound(_l("There is no province with this code."))
    field = args.get("field", "", type=str)
    if field and field not in FIELD_CODES:
        raise BridgeError(_l("There is no field with this code."))
    raw_page = args.get("page", "1", type=str)
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= PAGE_MAX:
        raise BridgeError(_l("The page must be a whole number from 1 to 10000."))
    return Filters(args.get("q", "", type=str)[:200], province, field, int(raw_page))


def _listing(template: str, find, **context):
    filters = listing_filters(request.args)
    return conditional(
        lambda: _render_listing(template, find, filters, **context), state=listing_state
    )


def _render_listing(template: str, find, filters, **context):
    size = current_app.config["BRIDGE_PAGE_SIZE"]
    items, total = find(
        query=filters.query,
        province=filters.province,
        field=filters.field,
        page=filters.page,
        size=size,
    )
    return render_template(
        template,
        items=items,
        total=total,
        pages=max(1, math.ceil(total / size)),
        filters=filters,
        provinces=all_provinces(),
        fields=FIELDS,
        **context,
    )


def _refused(error: JournalError, endpoint: str, **values):
    flash(str(error.message), "error")
    return redirect(url_for(endpoint, **values))


# ------------------------------------------------------------------ technology offers


@bp.get("/technologies/")
def technologies():
    return _listing("exchange_bridge/technologies.html", offers.listed_offers)


def _offer_or_404(offer_id: int):
    return offers.get_offer(offer_id) or abort(404)


@bp.get("/technologies/<int:offer_id>")
def technology(offer_id: int):
    offer = _offer_or_404(offer_id)
    if not can_view_offer(current_user, offer):
        abort(404)  # drafts are not public: the same answer as for no offer at all
    return render_template(
        "exchange_bridge/technology.html",
        offer=offer,
        missing=offers.missing_for_approval(offer),
        reason_form=ReasonForm(),
    )


@bp.get("/technologies/manage")
@login_required
def manage_technologies():
    return render_template(
        "exchange_bridge/manage_technologies.html", items=offers.offers_to_manage(current_user)
    )


@bp.route("/technologies/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_technology(offer_id: int):
    offer = _offer_or_404(offer_id)
    if not can_manage_offer(current_user, offer):
        abort(403)
    form = OfferForm(obj=offer, locale=_locale())
    if request.method == "GET":
        form.transfer_modes.data = offer.transfer_modes
        form.version.data = str(offer.version)
    if form.validate_on_submit():
        try:
            offers.update_offer(
                offer, current_user, _offer_fields(form), version=form.form_version()
            )
        except JournalError as error:
            form.form_errors.append(error.message)
            return render_template(
                "exchange_bridge/edit_technology.html", form=form, offer=offer
            ), error.status
        flash(_("The offer has been saved."), "success")
        return redirect(url_for(".technology", offer_id=offer.id))
    status = 400 if form.is_submitted() else 200
    return render_template("exchange_bridge/edit_technology.html", form=form, offer=offer), status


def _offer_fields(form: OfferForm) -> offers.OfferFields:
    return offers.OfferFields(
        title_vi=form.title_vi.data or "",
        title_en=form.title_en.data or "",
        summary_vi=form.summary_vi.data or "",
        summary_en=form.summary_en.data or "",
        field=form.field.data or "",
        trl=form.trl.data,
        ip_status=form.ip_status.data or "",
        transfer_modes=tuple(form.transfer_modes.data or ()),
        contact_name=form.contact_name.data or "",
        contact_organisation=form.contact_organisation.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
    )


@bp.post("/technologies/<int:offer_id>/approve")
@login_required
def approve_technology(offer_id: int):
    offer = _offer_or_404(offer_id)
    if not can_manage_offer(current_user, offer):
        abort(403)
    try:
        offers.approve_offer(offer, current_user)
    except JournalError as error:
        return _refused(error, ".technology", offer_id=offer.id)
    flash(_("The offer is listed and is being sent to the technology exchange."), "success")
    return redirect(url_for(".technology", offer_id=offer.id))


@bp.post("/technologies/<int:offer_id>/withdraw")
@login_required
def withdraw_technology(offer_id: int):
    offer = _offer_or_404(offer_id)
    if not can_manage_offer(current_user, offer):
        abort(403)
    form = ReasonForm()
    if not form.validate():
        return _refused(
            BridgeError(_l("The reason has at most 2000 characters.")),
            ".technology",
            offer_id=offer.id,
        )
    try:
        offers.withdraw_offer(offer, current_user, form.reason.data or "")
    except JournalError as error:
        return _refused(error, ".technology", offer_id=offer.id)
    flash(_("The offer has been withdrawn."), "success")
    return redirect(url_for(".technology", offer_id=offer.id))


# ------------------------------------------------------------------ startups


@bp.get("/startups/", endpoint="startups")
def startups_index():
    return _listing("exchange_bridge/startups.html", startups.listed_startups)


def _startup_or_404(startup_id: int):
    return startups.get_startup(startup_id) or abort(404)


@bp.get("/startups/<int:startup_id>")
def startup(startup_id: int):
    found = _startup_or_404(startup_id)
    if not can_view_startup(current_user, found):
        abort(404)
    return render_template("exchange_bridge/startup.html", startup=found)


def _startup_form() -> StartupForm:
    listed, _total = offers.listed_offers(size=200)
    return StartupForm(
        all_provinces(), startups.linkable_articles(current_user), listed, locale=_locale()
    )


@bp.route("/startups/new", methods=["GET", "POST"])
@login_required
def new_startup():
    if not can_flag_startup(current_user):
        abort(403)
    form = _startup_form()
    if form.validate_on_submit():
        try:
            found = startups.flag_startup(current_user, _startup_fields(form))
        except JournalError as error:
            form.form_errors.append(error.message)
            return render_template("exchange_bridge/new_startup.html", form=form), error.status
        flash(_("Thank you: the startup will be listed once an editor approves it."), "success")
        return redirect(url_for(".startup", startup_id=found.id))
    status = 400 if form.is_submitted() else 200
    return render_template("exchange_bridge/new_startup.html", form=form), status


def _startup_fields(form: StartupForm) -> startups.StartupFields:
    return startups.StartupFields(
        name=form.name.data or "",
        founders=form.founders.data or "",
        province_id=form.province_id.data,
        field=form.field.data or "",
        stage=form.stage.data or "",
        support_centre=form.support_centre.data or "",
        website=form.website.data or "",
        description_vi=form.description_vi.data or "",
        description_en=form.description_en.data or "",
        article_ids=tuple(form.article_ids.data or ()),
        offer_ids=tuple(form.offer_ids.data or ()),
    )


@bp.get("/startups/manage")
@login_required
def manage_startups():
    if not is_bridge_editor(current_user):
        abort(403)
    return render_template(
        "exchange_bridge/manage_startups.html", items=startups.startups_to_approve(current_user)
    )


@bp.post("/startups/<int:startup_id>/<any(approve, withdraw):action>")
@login_required
def decide_startup(startup_id: int, action: str):
    found = _startup_or_404(startup_id)
    if not can_approve_startup(current_user, found):
        abort(403)
    service = startups.approve_startup if action == "approve" else startups.withdraw_startup
    try:
        service(found, current_user)
    except JournalError as error:
        return _refused(error, ".startup", startup_id=found.id)
    messages = {
        "approve": _("The startup is listed."),
        "withdraw": _("The startup has been withdrawn."),
    }
    flash(messages[action], "success")
    return redirect(url_for(".startup", startup_id=found.id))


# ------------------------------------------------------------------ experts


@bp.get("/experts/", endpoint="experts")
def experts_index():
    return _listing("exchange_bridge/experts.html", experts.listed_experts)


@bp.get("/experts/<int:expert_id>")
def expert(expert_id: int):
    profile = experts.get_expert(expert_id) or abort(404)
    return render_template(
        "exchange_bridge/expert.html",
        profile=profile,
        publications=experts.published_articles_of(profile.user),
    )


@bp.get("/experts/me")
@login_required
def my_expert_profile():
    if not can_be_expert(current_user):
        abort(403)
    profile = experts.profile_of(current_user)
    publications = experts.published_articles_of(current_user)
    return render_template(
        "exchange_bridge/my_expert_profile.html",
        profile=profile,
        keywords=experts.expert_keywords(current_user, publications),
        publications=publications,
    )


@bp.post("/experts/me/<any('opt-in', withdraw):action>")
@login_required
def change_expert_consent(action: str):
    if not can_be_expert(current_user):
        abort(403)
    service = experts.opt_in if action == "opt-in" else experts.withdraw_consent
    try:
        service(current_user, current_user)
    except JournalError as error:
        return _refused(error, ".my_expert_profile")
    messages = {
        "opt-in": _("Your expert profile is public."),
        "withdraw": _("Your expert profile has been removed everywhere."),
    }
    flash(messages[action], "success")
    return redirect(url_for(".my_expert_profile"))


# ------------------------------------------------------------------ technology requests


@bp.get("/requests/", endpoint="requests")
def requests_index():
    return _listing("exchange_bridge/requests.html", demand.listed_requests)


def _request_form() -> RequestForm:
    return RequestForm(all_provinces(), locale=_locale())


@bp.route("/requests/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["BRIDGE_RATELIMIT_REQUESTS"], methods=["POST"])
def new_request():
    form = _request_form()
    if form.validate_on_submit():
        try:
            found = demand.post_request(_request_fields(form), honeypot=form.website.data or "")
        except JournalError as error:
            form.form_errors.append(error.message)
            return render_template("exchange_bridge/new_request.html", form=form), error.status
        flash(
            _("Your request has been recorded; the matches have been sent to you by e-mail."),
            "success",
        )
        return redirect(url_for(".my_request", token=found.token))
    status = 400 if form.is_submitted() else 200
    return render_template("exchange_bridge/new_request.html", form=form), status


def _request_fields(form: RequestForm) -> demand.RequestFields:
    return demand.RequestFields(
        organisation=form.organisation.data or "",
        contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
        title=form.title.data or "",
        need=form.need.data or "",
        field=form.field.data or "",
        province_id=form.province_id.data,
        locale=_locale(),
    )


@bp.get("/requests/mine/<token>")
def my_request(token: str):
    found = demand.request_by_token(token) or abort(404)
    return render_template(
        "exchange_bridge/request.html",
        item=found,
        matches=demand.describe(found.matches),
        private=True,
    )


@bp.get("/requests/<int:request_id>", endpoint="request")
def request_detail(request_id: int):
    found = demand.get_request(request_id) or abort(404)
    moderator = can_moderate_request(current_user, found)
    if found.status != "listed" and not moderator:
        abort(404)
    return render_template(
        "exchange_bridge/request.html",
        item=found,
        matches=demand.describe(found.matches),
        private=moderator,
    )


@bp.get("/requests/manage")
@login_required
def manage_requests():
    if not can_see_request_queue(current_user):
        abort(403)
    return render_template(
        "exchange_bridge/manage_requests.html", items=demand.requests_to_moderate(current_user)
    )


@bp.post("/requests/<int:request_id>/<any(list, close):action>")
@login_required
def moderate_request(request_id: int, action: str):
    found = demand.get_request(request_id) or abort(404)
    if not can_moderate_request(current_user, found):
        abort(403)
    service = demand.list_request if action == "list" else demand.close_request
    try:
        service(found, current_user)
    except JournalError as error:
        return _refused(error, ".request", request_id=found.id)
    messages = {"list": _("The request is listed."), "close": _("The request is closed.")}
    flash(messages[action], "success")
    return redirect(url_for(".request", request_id=found.id))


# ------------------------------------------------------------------ deliveries (admins)


@bp.get("/bridge/deliveries")
@login_required
def deliveries():
    if not can_view_deliveries(current_user):
        abort(403)
    status = request.args.get("status", "", type=str)
    target = request.args.get("target", "", type=str)
    raw_page = request.args.get("page", "1", type=str)
    page = int(raw_page) if raw_page.isdigit() and 1 <= int(raw_page) <= PAGE_MAX else 1
    items, total = outbox.delivery_log(status=status, target=target, page=page, size=50)
    return render_template(
        "exchange_bridge/deliveries.html",
        items=items,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / 50)),
        status=status,
        target=target,
        counts=outbox.status_counts(),
        targets=outbox.target_states(),
    )


@bp.get("/bridge/deliveries/<int:delivery_id>")
@login_required
def delivery(delivery_id: int):
    if not can_view_deliveries(current_user):
        abort(403)
    found = outbox.get_delivery(delivery_id) or abort(404)
    return render_template("exchange_bridge/delivery.html", delivery=found)


@bp.post("/bridge/deliveries/retry")
@login_required
def retry_deliveries():
    if not can_view_deliveries(current_user):
        abort(403)
    count = outbox.retry_now(current_user)
    flash(_("%(count)d deliveries are due again and are being sent.", count=count), "success")
    return redirect(url_for(".deliveries"))
