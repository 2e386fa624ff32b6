"""Alembic environment. The app runs migrations programmatically (``api.db.migrer``), passing an
open connection in ``config.attributes["connection"]``; the command line works too with
``alembic -c api/alembic.ini upgrade head`` (URL from ``DATABASE_URL``/``ALLOKERING_DB``)."""

from __future__ import annotations

from alembic import context

from api.db import Base, lag_motor

config = context.config
target_metadata = Base.metadata


def _kjor(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        _kjor(conn)
        return
    motor = lag_motor(config.get_main_option("sqlalchemy.url") or None, nullpool=True)
    with motor.begin() as connection:
        _kjor(connection)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
