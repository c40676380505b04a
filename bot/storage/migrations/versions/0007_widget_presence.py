"""Widget presence: whether a chat widget is connected to a conversation now, and since when.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "widget_presence",
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("connections", sa.Integer(), nullable=False),
        sa.Column("connected_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.CheckConstraint("connections >= 0", name=op.f("ck_widget_presence_connections")),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_widget_presence")),
    )
    op.create_index(op.f("ix_widget_presence_changed_at"), "widget_presence", ["changed_at"])


def downgrade() -> None:
    op.drop_table("widget_presence")
