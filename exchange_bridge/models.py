"""The bridge's own tables (all named ``bridge_*``): technology offers, startups, expert
profiles, technology requests and their matches, and the delivery outbox with its log.

States are stored as machine values; CHECK constraints tie a state to the columns it
implies (an approved offer is complete, a sent delivery has its time …).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models_base import UTCDateTime, utcnow

from .vocabulary import FIELD_CODES, IP_STATUSES, STARTUP_STAGES


def _one_of(column: str, values, *, empty: bool = False) -> str:
    allowed = [*values, *([""] if empty else [])]
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in allowed) + ")"


OFFER_STATUSES = ("draft", "approved", "withdrawn")
STARTUP_STATUSES = ("pending", "approved", "withdrawn")
REQUEST_STATUSES = ("new", "listed", "closed")
MATCH_KINDS = ("offer", "article", "expert")
DELIVERY_STATUSES = ("pending", "sent", "dead", "cancelled", "superseded")
DELIVERY_ACTIONS = ("upsert", "delete")
TARGETS = ("exchange", "startups", "experts")
ATTEMPT_OUTCOMES = ("delivered", "duplicate", "failed")


class TechnologyOffer(db.Model):
    """A technology offer drafted from a published article reporting a funded task."""

    __tablename__ = "bridge_offers"
    __table_args__ = (
        CheckConstraint(_one_of("status", OFFER_STATUSES), name="status_known"),
        CheckConstraint(_one_of("field", FIELD_CODES, empty=True), name="field_known"),
        CheckConstraint(_one_of("ip_status", IP_STATUSES, empty=True), name="ip_status_known"),
        CheckConstraint("trl IS NULL OR (trl >= 1 AND trl <= 9)", name="trl_range"),
        CheckConstraint(
            "status <> 'approved' OR (approved_at IS NOT NULL AND trl IS NOT NULL "
            "AND ip_status <> '' AND field <> '' AND contact_email <> '' "
            "AND (licence OR transfer OR joint_development))",
            name="approved_is_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), unique=True)
    funded_task_id: Mapped[int | None] = mapped_column(ForeignKey("funded_tasks.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    title_vi: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    summary_vi: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str] = mapped_column(String(32), default="")
    doi: Mapped[str] = mapped_column(String(255), default="")
    url: Mapped[str] = mapped_column(String(500), default="")

    trl: Mapped[int | None] = mapped_column(Integer)
    ip_status: Mapped[str] = mapped_column(String(32), default="")
    licence: Mapped[bool] = mapped_column(Boolean, default=False)
    transfer: Mapped[bool] = mapped_column(Boolean, default=False)
    joint_development: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_organisation: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")

    # Folded title, summary and task code: what the listing's search looks in.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")

    article = relationship("Article")
    funded_task = relationship("FundedTask")
    province = relationship("Province")
    approved_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    @property
    def transfer_modes(self) -> list[str]:
        return [m for m in ("licence", "transfer", "joint_development") if getattr(self, m)]

    @property
    def is_listed(self) -> bool:
        return self.status == "approved"

    def title(self, locale: str) -> str:
        primary = self.title_en if locale == "en" else self.title_vi
        return primary or self.title_vi or self.title_en


startup_articles = Table(
    "bridge_startup_articles",
    db.metadata,
    Column("startup_id", ForeignKey("bridge_startups.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

startup_offers = Table(
    "bridge_startup_offers",
    db.metadata,
    Column("startup_id", ForeignKey("bridge_startups.id", ondelete="CASCADE"), primary_key=True),
    Column("offer_id", ForeignKey("bridge_offers.id", ondelete="CASCADE"), primary_key=True),
)


class Startup(db.Model):
    """A spin-off or startup built on results published in the journal."""

    __tablename__ = "bridge_startups"
    __table_args__ = (
        CheckConstraint(_one_of("status", STARTUP_STATUSES), name="status_known"),
        CheckConstraint(_one_of("stage", STARTUP_STAGES), name="stage_known"),
        CheckConstraint(_one_of("field", FIELD_CODES), name="field_known"),
        CheckConstraint(
            "status <> 'approved' OR approved_at IS NOT NULL", name="approved_has_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    founders: Mapped[str] = mapped_column(Text, default="")  # one per line
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32))
    support_centre: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    province = relationship("Province")
    flagged_by = relationship("User", foreign_keys=[flagged_by_id])
    articles = relationship("Article", secondary=startup_articles, order_by="Article.id")
    offers: Mapped[list[TechnologyOffer]] = relationship(
        secondary=startup_offers, order_by="TechnologyOffer.id"
    )

    @property
    def founder_list(self) -> list[str]:
        return [line.strip() for line in self.founders.splitlines() if line.strip()]

    def description(self, locale: str) -> str:
        primary = self.description_en if locale == "en" else self.description_vi
        return primary or self.description_vi or self.description_en


class ExpertProfile(db.Model):
    """A public expert profile. It exists only while its person consents: withdrawing
    consent deletes the row (and its matches)."""

    __tablename__ = "bridge_experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Their own expertise and the keywords of their published articles, comma-separated.
    keywords: Mapped[str] = mapped_column(Text, default="")
    # ",agriculture,water," — the fields the keywords point to (for the field filter).
    fields: Mapped[str] = mapped_column(String(400), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    user = relationship("User")

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def field_list(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]


class TechnologyRequest(db.Model):
    """A need posted by an enterprise. New requests are seen by the requester (through the
    secret link mailed to them) and by the editors; an editor lists or closes them."""

    __tablename__ = "bridge_requests"
    __table_args__ = (
        CheckConstraint(_one_of("status", REQUEST_STATUSES), name="status_known"),
        CheckConstraint(_one_of("field", FIELD_CODES), name="field_known"),
        CheckConstraint("locale IN ('vi', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(300))
    need: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(32))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    province = relationship("Province")
    matches: Mapped[list[RequestMatch]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by=lambda: [RequestMatch.kind, RequestMatch.rank],
    )


class RequestMatch(db.Model):
    """One of the best matches found for a request: an offer, an article or an expert."""

    __tablename__ = "bridge_request_matches"
    __table_args__ = (
        CheckConstraint(_one_of("kind", MATCH_KINDS), name="kind_known"),
        CheckConstraint(
            "(kind = 'offer' AND offer_id IS NOT NULL AND article_id IS NULL "
            "AND expert_id IS NULL) OR (kind = 'article' AND article_id IS NOT NULL "
            "AND offer_id IS NULL AND expert_id IS NULL) OR (kind = 'expert' "
            "AND expert_id IS NOT NULL AND offer_id IS NULL AND article_id IS NULL)",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("bridge_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("bridge_offers.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    expert_id: Mapped[int | None] = mapped_column(
        ForeignKey("bridge_experts.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)

    request: Mapped[TechnologyRequest] = relationship(back_populates="matches")
    offer: Mapped[TechnologyOffer | None] = relationship()
    article = relationship("Article")
    expert: Mapped[ExpertProfile | None] = relationship()


class Delivery(db.Model):
    """One signed JSON delivery to an external system, written in the same transaction as
    the change it reports and sent after the commit.

    ``body`` is the exact JSON sent (its ``id`` is the idempotency key). Deliveries of one
    subject to one target go out in order; a newer change supersedes an older delivery
    still waiting.
    """

    __tablename__ = "bridge_deliveries"
    __table_args__ = (
        CheckConstraint(_one_of("status", DELIVERY_STATUSES), name="status_known"),
        CheckConstraint(_one_of("action", DELIVERY_ACTIONS), name="action_known"),
        CheckConstraint(_one_of("target", TARGETS), name="target_known"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="delivery",
        cascade="all, delete-orphan",
        order_by="DeliveryAttempt.number",
    )


class DeliveryAttempt(db.Model):
    """The log of every try: when, how long, the receiver's status or the error."""

    __tablename__ = "bridge_delivery_attempts"
    __table_args__ = (CheckConstraint(_one_of("outcome", ATTEMPT_OUTCOMES), name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("bridge_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    status_code: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="")

    delivery: Mapped[Delivery] = relationship(back_populates="attempt_log")
