"""Contact log: contacts, contact_answers, message_log.

The allowed codes below are a frozen copy of the labels at the time of this
revision; when labels.yml changes, a new revision must change the CHECK
constraints (tests/test_storage.py compares them with the labels).

Revision ID: 0001
Revises:
Create Date: 2024-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

THEMES = ("pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk", "overig")
QUESTION_TYPES = ("incident", "beleid", "overig")
CALLER_ROLES = (
    "docent",
    "mentor",
    "vertrouwenspersoon",
    "anti_pest",
    "ib_zorg",
    "veiligheid",
    "directeur",
    "bestuurder",
    "ouder",
    "leerling",
    "overig",
)
SCHOOL_TYPES = ("po", "vo", "so", "mbo")
CHANNELS = ("chat", "telefoon", "mail")
HANDOFFS = ("geen", "wachtrij", "terugbellen", "mail")
STATUSES = ("nieuw", "lopend", "afgerond", "onvolledig", "overgedragen")
ANSWER_CATEGORIES = ("ja", "nee", "weet_niet", "tekst", "stop", "onbruikbaar")


def one_of(table: str, column: str, allowed) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in allowed)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("intake_number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("caller_role", sa.String(length=32), nullable=True),
        sa.Column("school_type", sa.String(length=16), nullable=True),
        sa.Column("theme", sa.String(length=32), nullable=False),
        sa.Column("question_type", sa.String(length=16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("building_blocks", sa.JSON(), nullable=False),
        sa.Column("handoff", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=True),
        one_of("contacts", "channel", CHANNELS),
        one_of("contacts", "caller_role", CALLER_ROLES),
        one_of("contacts", "school_type", SCHOOL_TYPES),
        one_of("contacts", "theme", THEMES),
        one_of("contacts", "question_type", QUESTION_TYPES),
        one_of("contacts", "handoff", HANDOFFS),
        one_of("contacts", "status", STATUSES),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("conversation_id", "intake_number", name=op.f("uq_contacts_conversation_id_intake_number")),
    )
    op.create_index(op.f("ix_contacts_conversation_id"), "contacts", ["conversation_id"])
    op.create_index(op.f("ix_contacts_started_at"), "contacts", ["started_at"])
    op.create_index(op.f("ix_contacts_theme"), "contacts", ["theme"])
    op.create_index("ix_contacts_status_last_activity_at", "contacts", ["status", "last_activity_at"])

    op.create_table(
        "contact_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        one_of("contact_answers", "category", ANSWER_CATEGORIES),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], ondelete="CASCADE", name=op.f("fk_contact_answers_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_answers")),
        sa.UniqueConstraint("contact_id", "question_key", name=op.f("uq_contact_answers_contact_id_question_key")),
    )

    op.create_table(
        "message_log",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("theme", sa.String(length=32), nullable=True),
        sa.Column("question_type", sa.String(length=16), nullable=True),
        sa.Column("text_redacted", sa.Text(), nullable=True),
        one_of("message_log", "theme", THEMES),
        one_of("message_log", "question_type", QUESTION_TYPES),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], ondelete="SET NULL", name=op.f("fk_message_log_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_log")),
    )
    op.create_index(op.f("ix_message_log_conversation_id"), "message_log", ["conversation_id"])
    op.create_index(op.f("ix_message_log_contact_id"), "message_log", ["contact_id"])
    op.create_index(op.f("ix_message_log_sent_at"), "message_log", ["sent_at"])
    op.create_index(op.f("ix_message_log_theme"), "message_log", ["theme"])


def downgrade() -> None:
    op.drop_table("message_log")
    op.drop_table("contact_answers")
    op.drop_table("contacts")
