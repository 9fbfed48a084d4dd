"""Alembic's environment: runs the migrations on the connection ``migrate()`` hands over.

No logging set-up and no URL of its own: ``screening.inbox.database.migrate`` opens the
transaction (and, on PostgreSQL, takes a lock so two replicas starting together migrate
one after the other) and passes its connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the inbox migrations with screening.inbox.database.migrate()")

context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
