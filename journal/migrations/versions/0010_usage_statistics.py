"""usage statistics: raw events, daily summary rows, the salt of the day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('usage_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.Column('session_key', sa.BigInteger(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.CheckConstraint("kind IN ('page', 'html', 'pdf', 'jats')", name=op.f('ck_usage_events_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_events'))
    )
    with op.batch_alter_table('usage_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_events_day'), ['day'], unique=False)

    op.create_table('usage_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('total_investigations', sa.Integer(), nullable=False),
    sa.Column('unique_investigations', sa.Integer(), nullable=False),
    sa.Column('total_requests', sa.Integer(), nullable=False),
    sa.Column('unique_requests', sa.Integer(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_usage_daily_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'article_id', 'country', name=op.f('pk_usage_daily'))
    )
    with op.batch_alter_table('usage_daily', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_daily_article_id'), ['article_id'], unique=False)

    op.create_table('usage_salts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_usage_salts'))
    )


def downgrade():
    op.drop_table('usage_salts')
    with op.batch_alter_table('usage_daily', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_daily_article_id'))

    op.drop_table('usage_daily')
    with op.batch_alter_table('usage_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_events_day'))

    op.drop_table('usage_events')
