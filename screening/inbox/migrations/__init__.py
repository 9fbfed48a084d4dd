"""Alembic migrations of the inbox database (applied by ``screening.inbox.database.migrate``)."""
