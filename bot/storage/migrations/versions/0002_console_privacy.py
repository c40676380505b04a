"""Console and privacy: queue columns, relabelling, call-back requests, notes, users, audit log.

Codes are a frozen copy at the time of this revision (see 0001).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

QUEUE_STATUSES = ("nieuw", "in_behandeling", "afgerond")
CALLBACK_CHANNELS = ("terugbellen", "mail")
CALLBACK_STATUSES = ("open", "afgehandeld")
USER_ROLES = ("staff", "analyst", "admin")


def one_of(table: str, column: str, allowed) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in allowed)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def upgrade() -> None:
    # batch mode: SQLite can't add a CHECK constraint to an existing table in place.
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("queue_status", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("assigned_to", sa.String(length=64), nullable=True))
        batch.create_check_constraint(
            "queue_status", "queue_status IN ({})".format(", ".join(f"'{v}'" for v in QUEUE_STATUSES))
        )
    op.create_index("ix_contacts_queue_status_handed_off_at", "contacts", ["queue_status", "handed_off_at"])

    with op.batch_alter_table("message_log") as batch:
        batch.add_column(sa.Column("relabelled_intent", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("relabelled_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("relabelled_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "callback_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=254), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opening_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        one_of("callback_requests", "channel", CALLBACK_CHANNELS),
        one_of("callback_requests", "status", CALLBACK_STATUSES),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], ondelete="SET NULL", name=op.f("fk_callback_requests_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_requests")),
    )
    op.create_index(op.f("ix_callback_requests_conversation_id"), "callback_requests", ["conversation_id"])
    op.create_index(op.f("ix_callback_requests_contact_id"), "callback_requests", ["contact_id"])
    op.create_index(op.f("ix_callback_requests_created_at"), "callback_requests", ["created_at"])

    op.create_table(
        "contact_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], ondelete="CASCADE", name=op.f("fk_contact_notes_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_notes")),
    )
    op.create_index(op.f("ix_contact_notes_contact_id"), "contact_notes", ["contact_id"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        one_of("users", "role", USER_ROLES),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("users")
    op.drop_table("contact_notes")
    op.drop_table("callback_requests")
    with op.batch_alter_table("message_log") as batch:
        batch.drop_column("relabelled_at")
        batch.drop_column("relabelled_by")
        batch.drop_column("relabelled_intent")
    op.drop_index("ix_contacts_queue_status_handed_off_at", table_name="contacts")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("ck_contacts_queue_status", type_="check")
        batch.drop_column("assigned_to")
        batch.drop_column("handed_off_at")
        batch.drop_column("queue_status")
