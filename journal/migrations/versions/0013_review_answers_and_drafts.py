"""review assignments: answers to the journal's review questions, drafts saved

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-08 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        # question key -> rating; the questions are the journal settings' of the time.
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
        # A review being written is saved as a draft (the same columns, still "accepted").
        batch_op.add_column(sa.Column('draft_saved_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_column('draft_saved_at')
        batch_op.drop_column('answers')
