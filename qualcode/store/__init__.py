"""Where a project lives: the schema, opening a database, (later) migrations, users and audit."""
