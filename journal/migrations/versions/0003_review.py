"""editorial review: editor assignments, review rounds, reviewer assignments, decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:15:00

"""
from alembic import op
import sqlalchemy as sa
import journal.models_base


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=32), nullable=False),
    sa.Column('letter_vi', sa.Text(), nullable=False),
    sa.Column('letter_en', sa.Text(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('revision_due_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('accept', 'minor_revisions', 'major_revisions', 'reject', 'desk_reject')", name=op.f('ck_decisions_decision_known')),
    sa.CheckConstraint('round >= 1', name=op.f('ck_decisions_round_positive')),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_decisions_editor_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_decisions_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_submission_id'), ['submission_id'], unique=False)

    op.create_table('editor_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_editor_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_editor_assignments_editor_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_editor_assignments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editor_assignments'))
    )

    with op.batch_alter_table('editor_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editor_assignments_editor_id'), ['editor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_editor_assignments_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_editor_assignments_submission_id'), ['submission_id'], unique=False)

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('invitee_email', sa.String(length=254), nullable=False),
    sa.Column('invitee_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('response_due_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('cancelled_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('completed_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recommendation', sa.String(length=32), nullable=True),
    sa.Column('comments_to_author', sa.Text(), nullable=False),
    sa.Column('comments_to_editor', sa.Text(), nullable=False),
    sa.Column('competing_interests', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('conflict_note', sa.Text(), nullable=False),
    sa.Column('token_nonce', sa.String(length=64), nullable=False),
    sa.Column('reminded_invitation_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_due_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_overdue_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("recommendation IS NULL OR recommendation IN ('accept', 'minor_revisions', 'major_revisions', 'reject')", name=op.f('ck_review_assignments_recommendation_known')),
    sa.CheckConstraint("status <> 'completed' OR (recommendation IS NOT NULL AND completed_at IS NOT NULL)", name=op.f('ck_review_assignments_completed_has_review')),
    sa.CheckConstraint("status IN ('invited', 'accepted', 'declined', 'completed', 'cancelled')", name=op.f('ck_review_assignments_status_known')),
    sa.CheckConstraint("status NOT IN ('accepted', 'completed') OR reviewer_id IS NOT NULL", name=op.f('ck_review_assignments_accepted_has_reviewer')),
    sa.CheckConstraint('round >= 1', name=op.f('ck_review_assignments_round_positive')),
    sa.ForeignKeyConstraint(['attachment_id'], ['submission_files.id'], name=op.f('fk_review_assignments_attachment_id_submission_files')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_review_assignments_invited_by_id_users')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_assignments_reviewer_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_review_assignments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments'))
    )

    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_submission_id'), ['submission_id'], unique=False)

    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('manuscript_fix_id', sa.Integer(), nullable=True),
    sa.Column('letter_fix_id', sa.Integer(), nullable=True),
    sa.Column('manuscript_copy_id', sa.Integer(), nullable=True),
    sa.Column('letter_copy_id', sa.Integer(), nullable=True),
    sa.Column('leak_override_reason', sa.Text(), nullable=False),
    sa.Column('created_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', journal.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_review_rounds_number_positive')),
    sa.CheckConstraint('sent_at IS NULL OR manuscript_copy_id IS NOT NULL', name=op.f('ck_review_rounds_sent_has_copy')),
    sa.ForeignKeyConstraint(['letter_copy_id'], ['submission_files.id'], name=op.f('fk_review_rounds_letter_copy_id_submission_files')),
    sa.ForeignKeyConstraint(['letter_fix_id'], ['submission_files.id'], name=op.f('fk_review_rounds_letter_fix_id_submission_files')),
    sa.ForeignKeyConstraint(['manuscript_copy_id'], ['submission_files.id'], name=op.f('fk_review_rounds_manuscript_copy_id_submission_files')),
    sa.ForeignKeyConstraint(['manuscript_fix_id'], ['submission_files.id'], name=op.f('fk_review_rounds_manuscript_fix_id_submission_files')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_review_rounds_sent_by_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_review_rounds_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds')),
    sa.UniqueConstraint('submission_id', 'number', name='uq_review_round_number')
    )

    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_rounds_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_rounds_submission_id'))

    op.drop_table('review_rounds')

    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_submission_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_due_at'))

    op.drop_table('review_assignments')

    with op.batch_alter_table('editor_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editor_assignments_submission_id'))
        batch_op.drop_index(batch_op.f('ix_editor_assignments_ended_at'))
        batch_op.drop_index(batch_op.f('ix_editor_assignments_editor_id'))

    op.drop_table('editor_assignments')

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_submission_id'))

    op.drop_table('decisions')
