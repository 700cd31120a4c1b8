"""journal settings edited by administrators

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:00:00

"""
from alembic import op
import sqlalchemy as sa
import journal.models_base


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('journal_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_journal_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_journal_settings'))
    )


def downgrade():
    op.drop_table('journal_settings')
