"""galley versions: the repairs made to the manuscript while typesetting, for the editor

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-08 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Earlier galleys were made without repairs (an untidy manuscript was refused).
    with op.batch_alter_table('galley_versions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('repairs', sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('galley_versions', schema=None) as batch_op:
        batch_op.drop_column('repairs')
