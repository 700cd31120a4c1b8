"""indexes for the public listings

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-08 02:30:00

The newest-first lists read articles in index order and stop at the page's end; the
province filter reaches authors by user and submissions by funded task; sections list by
section; OAI-PMH pages by datestamp and id. The two single-column indexes on articles are
covered by the new ones (their leading columns).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_published_at')
        batch_op.drop_index('ix_articles_updated_at')
        batch_op.create_index('ix_articles_published_at_id', ['published_at', 'id'], unique=False)
        batch_op.create_index('ix_articles_updated_at_id', ['updated_at', 'id'], unique=False)
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_submissions_funded_task_id'), ['funded_task_id'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_submissions_section_id'), ['section_id'], unique=False)
    with op.batch_alter_table('submission_authors', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_submission_authors_user_id'), ['user_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('submission_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_authors_user_id'))
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_section_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_funded_task_id'))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_updated_at_id')
        batch_op.drop_index('ix_articles_published_at_id')
        batch_op.create_index('ix_articles_updated_at', ['updated_at'], unique=False)
        batch_op.create_index('ix_articles_published_at', ['published_at'], unique=False)
