"""galley versions: validated against the official JATS schema, or structurally only

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Every earlier galley was validated against the schema (typesetting required it).
    with op.batch_alter_table('galley_versions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('schema_validated', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('galley_versions', schema=None) as batch_op:
        batch_op.drop_column('schema_validated')
