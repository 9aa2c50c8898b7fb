"""Alembic environment: the connection comes from pipeline.migrations.migrate (programmatic use),
or from `-x url=...` on the `alembic` command line."""

from alembic import context
from sqlalchemy import create_engine

from pipeline.storage import db_url, metadata

config = context.config


def run(connection) -> None:
    # batch mode: SQLite alters a table by copying it, the only way it can change a column type
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(db_url(context.get_x_argument(as_dictionary=True).get("url")))
    with engine.connect() as conn:
        run(conn)
