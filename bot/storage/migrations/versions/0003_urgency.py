"""Urgency on the contact: its level (acuut, mogelijk) and category, so staff see what was referred.

Codes are a frozen copy at the time of this revision (see 0001).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

URGENCY_LEVELS = ("acuut", "mogelijk")
URGENCY_CATEGORIES = ("acuut_gevaar", "zelfdoding", "kindermishandeling", "seksueel_misbruik", "vermissing", "algemeen")


def _in(column: str, allowed) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in allowed))


def upgrade() -> None:
    # batch mode: SQLite can't add a CHECK constraint to an existing table in place.
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("urgency_level", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("urgency_category", sa.String(length=32), nullable=True))
        batch.create_check_constraint("urgency_level", _in("urgency_level", URGENCY_LEVELS))
        batch.create_check_constraint("urgency_category", _in("urgency_category", URGENCY_CATEGORIES))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("ck_contacts_urgency_category", type_="check")
        batch.drop_constraint("ck_contacts_urgency_level", type_="check")
        batch.drop_column("urgency_category")
        batch.drop_column("urgency_level")
