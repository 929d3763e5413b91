"""chats: PostgreSQL search in its own narrow table, ranked with bounded work; an index on
messages' parent (both backends)

Revision ID: 0005
Revises: 0004

At 1M messages, ranking every match of a common word read each match's row of the wide
chat_messages table (685 MB): ~100 ms p95. The search rows now live in
chat_message_search (message, user, project, chat, time, tsvector), indexed by GIN on
(user_id, project_id, search_vector) so that only the user's matches are read, plus a
small ``repeats`` tsvector: see omnipanel_lab/chats/search.py for how it bounds the
ranking. Rows are written by triggers once a message is no longer 'streaming'.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The lexemes at two positions or more, and the longest common prefix of each two
# neighbouring lexemes (in C order): a query term (word, or prefix:*) that matches none of
# these matches one position of the message at most.
REPEATS_FUNCTION = """
CREATE FUNCTION chat_search_repeats(v tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  r record; prev text; tokens text[] := '{}'; n int; i int;
BEGIN
  FOR r IN SELECT lexeme, positions FROM unnest(v) ORDER BY lexeme COLLATE "C" LOOP
    IF cardinality(r.positions) > 1 THEN tokens := tokens || r.lexeme; END IF;
    IF prev IS NOT NULL THEN
      n := least(length(prev), length(r.lexeme)); i := 0;
      WHILE i < n AND substr(prev, i + 1, 1) = substr(r.lexeme, i + 1, 1) LOOP
        i := i + 1;
      END LOOP;
      IF i > 0 THEN tokens := tokens || left(prev, i); END IF;
    END IF;
    prev := r.lexeme;
  END LOOP;
  RETURN array_to_tsvector(tokens);
END $$
"""

SYNC_FUNCTION = """
CREATE FUNCTION chat_message_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'streaming' THEN
    DELETE FROM chat_message_search WHERE message_id = NEW.id;
    RETURN NULL;
  END IF;
  INSERT INTO chat_message_search
    (message_id, user_id, project_id, chat_id, created_at, search_vector, repeats)
  SELECT NEW.id, c.user_id, c.project_id, NEW.chat_id, NEW.created_at, v.vector,
         chat_search_repeats(v.vector)
  FROM chats c, to_tsvector('english', NEW.content) AS v(vector)
  WHERE c.id = NEW.chat_id
  ON CONFLICT (message_id) DO UPDATE
    SET search_vector = excluded.search_vector, repeats = excluded.repeats;
  RETURN NULL;
END $$
"""

POSTGRES_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",  # a trusted extension: no superuser needed
    # A chat's user and project never change (not editable), so copies here stay true.
    "CREATE TABLE chat_message_search ("
    " message_id uuid NOT NULL, user_id uuid NOT NULL, project_id uuid NOT NULL,"
    " chat_id uuid NOT NULL, created_at timestamptz NOT NULL,"
    " search_vector tsvector NOT NULL, repeats tsvector NOT NULL,"
    " CONSTRAINT pk_chat_message_search PRIMARY KEY (message_id),"
    " CONSTRAINT fk_chat_message_search_message_id_chat_messages FOREIGN KEY (message_id)"
    " REFERENCES chat_messages (id) ON DELETE CASCADE)",
    REPEATS_FUNCTION,
    SYNC_FUNCTION,
    "INSERT INTO chat_message_search"
    " SELECT m.id, c.user_id, c.project_id, m.chat_id, m.created_at, m.search_vector,"
    " chat_search_repeats(m.search_vector)"
    " FROM chat_messages m JOIN chats c ON c.id = m.chat_id WHERE m.search_vector IS NOT NULL",
    "CREATE INDEX ix_chat_message_search_terms ON chat_message_search"
    " USING gin (user_id, project_id, search_vector)",
    "CREATE INDEX ix_chat_message_search_repeats ON chat_message_search"
    " USING gin (user_id, project_id, repeats)",
    "CREATE TRIGGER chat_messages_search_insert AFTER INSERT ON chat_messages"
    " FOR EACH ROW WHEN (NEW.status <> 'streaming')"
    " EXECUTE FUNCTION chat_message_search_sync()",
    # Batches written while a reply streams do not touch the search table.
    "CREATE TRIGGER chat_messages_search_update AFTER UPDATE OF content, status ON chat_messages"
    " FOR EACH ROW WHEN ((NEW.status <> 'streaming' OR OLD.status <> 'streaming')"
    " AND (NEW.content IS DISTINCT FROM OLD.content OR NEW.status IS DISTINCT FROM OLD.status))"
    " EXECUTE FUNCTION chat_message_search_sync()",
    "DROP INDEX ix_chat_messages_search",
    "ALTER TABLE chat_messages DROP COLUMN search_vector",
]

POSTGRES_DOWNGRADE = [
    "DROP TRIGGER chat_messages_search_update ON chat_messages",
    "DROP TRIGGER chat_messages_search_insert ON chat_messages",
    "ALTER TABLE chat_messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "CASE WHEN status = 'streaming' THEN NULL ELSE to_tsvector('english', content) END) STORED",
    "CREATE INDEX ix_chat_messages_search ON chat_messages USING gin (search_vector)",
    "DROP TABLE chat_message_search",
    "DROP FUNCTION chat_message_search_sync()",
    "DROP FUNCTION chat_search_repeats(tsvector)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)
    # Deleting a message cascades to its children: without this index each deleted message
    # scanned the whole table (a 50-message chat took 7.6 s to delete at 1M messages).
    op.create_index("ix_chat_messages_parent", "chat_messages", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_messages_parent", table_name="chat_messages")
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWNGRADE:
            op.execute(statement)
