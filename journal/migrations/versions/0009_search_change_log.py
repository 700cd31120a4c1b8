"""search: the pending changes become a change log (submissions too) followed by each node

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 02:10:00

"""
from alembic import op
import sqlalchemy as sa
import journal.models_base


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_pending_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='article'))
        batch_op.drop_index(batch_op.f('ix_search_pending_changes_article_id'))
        batch_op.alter_column('article_id', new_column_name='record_id', existing_type=sa.Integer(), existing_nullable=False)

    with op.batch_alter_table('search_pending_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_pending_changes_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_pending_changes_created_at'), ['created_at'], unique=False)
        batch_op.create_check_constraint('kind_known', "kind IN ('article', 'submission')")

    op.create_table('search_nodes',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('seen_at', journal.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_search_nodes'))
    )
    # Every submission after the draft stage goes into the new staff index.
    op.execute(
        "INSERT INTO search_pending_changes (kind, record_id, created_at) "
        "SELECT 'submission', id, CURRENT_TIMESTAMP FROM submissions WHERE stage <> 'draft'"
    )


def downgrade():
    op.execute("DELETE FROM search_pending_changes WHERE kind <> 'article'")
    op.drop_table('search_nodes')
    with op.batch_alter_table('search_pending_changes', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.drop_index(batch_op.f('ix_search_pending_changes_created_at'))
        batch_op.drop_index(batch_op.f('ix_search_pending_changes_record_id'))

    with op.batch_alter_table('search_pending_changes', schema=None) as batch_op:
        batch_op.alter_column('record_id', new_column_name='article_id', existing_type=sa.Integer(), existing_nullable=False)
        batch_op.drop_column('kind')
