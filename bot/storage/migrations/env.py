"""Alembic environment for the contact log.

The database comes from, in order: a connection handed over in
config.attributes["connection"], the URL in config.attributes["database_url"]
(set by `doorvraag db upgrade`), sqlalchemy.url in alembic.ini, DATABASE_URL.
Batch mode is on so later ALTERs also work on SQLite.
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from bot.storage.models import metadata
from bot.storage.settings import database_url
from bot.storage.timestamps import UtcDateTime

config = context.config

if config.config_file_name is not None and config.file_config.has_section("formatters"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def render_item(type_, obj, autogen_context):
    """Render UtcDateTime as a plain timestamptz, so migrations never import bot code."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


OPTIONS = {"target_metadata": metadata, "render_as_batch": True, "compare_type": True, "render_item": render_item}


def _url() -> str:
    return config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url") or database_url()


def run_offline() -> None:
    context.configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"}, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection) -> None:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = create_engine(_url(), future=True, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
