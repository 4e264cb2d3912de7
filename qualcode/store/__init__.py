"""Where a project lives: the schema, opening a database (SQLite or PostgreSQL), Alembic
migrations, users and permissions, blind-coding visibility, login throttling, the audit trail
and the trash, and the rules that map speaker labels to cases."""
