"""search: pending index changes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa
import journal.models_base


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_pending_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('created_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_pending_changes'))
    )
    with op.batch_alter_table('search_pending_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_pending_changes_article_id'), ['article_id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_pending_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_pending_changes_article_id'))

    op.drop_table('search_pending_changes')
