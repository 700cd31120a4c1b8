"""typesetting runs that make an article's version of record

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-08 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # A run with an article regenerates that article's galleys with its final citation.
    with op.batch_alter_table('typeset_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_typeset_runs_article_id'), ['article_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_typeset_runs_article_id_articles'), 'articles', ['article_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('typeset_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_typeset_runs_article_id_articles'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_typeset_runs_article_id'))
        batch_op.drop_column('article_id')
