-- Fields of an actor's source row that were malformed and left empty at import (e.g. a 13-digit
-- phone, truncated opening hours): each entry names the field and why, so that the update
-- campaign asks for them. Cleared field by field when staff enter a valid value.
ALTER TABLE actor ADD COLUMN IF NOT EXISTS import_issues text[] NOT NULL DEFAULT '{}';
