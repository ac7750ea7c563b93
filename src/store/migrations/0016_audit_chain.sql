-- Issue 11 item 8: the audit log cannot be rewritten unseen. Each entry carries the hash of the one
-- before it (a hash chain); `beredskap audit verify` (src/cli/audit.command.ts) recomputes the chain
-- and names the first entry that does not hold.
--
-- An entry's hash is SHA-256 (hex) over the UTF-8 text of its canonical serialisation:
--
--   jsonb_build_array('beredskap-audit/1', prev_hash, chain_seq, id,
--                     at in UTC as YYYY-MM-DDTHH24:MI:SS.USZ, token_id, organisation_id,
--                     action, entity, entity_id, detail)::text
--
-- (jsonb's text form is deterministic: keys ordered, fixed spacing; AUDIT_CANONICAL_SQL in
-- src/store/audit.repository.ts is the same expression). The first entry's prev_hash is 64 zeros.
--
-- Appends are serialised by the single row of audit_chain_head, locked FOR UPDATE by the BEFORE INSERT
-- trigger until the inserting transaction ends: concurrent writers queue there and cannot fork the
-- chain (PGlite has one connection; on PostgreSQL the lock makes them wait). The position in the chain
-- is chain_seq, given under that lock: ids come from a sequence before the lock is taken, so two
-- concurrent transactions may hold ids in the other order; the chain's order is chain_seq, 1, 2, 3 ….
-- Every insert is chained by the trigger, whoever writes it; the values a writer gives for chain_seq,
-- prev_hash and hash are overwritten.

ALTER TABLE audit_log
  ADD COLUMN chain_seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash      text;

CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq       bigint  NOT NULL,
  hash      text    NOT NULL
);

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq  bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE singleton FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit chain cannot be extended';
  END IF;
  NEW.chain_seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := encode(sha256(convert_to(jsonb_build_array(
    'beredskap-audit/1', NEW.prev_hash, NEW.chain_seq, NEW.id,
    to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    NEW.token_id, NEW.organisation_id, NEW.action, NEW.entity, NEW.entity_id, NEW.detail
  )::text, 'UTF8')), 'hex');
  UPDATE audit_chain_head SET seq = NEW.chain_seq, hash = NEW.hash WHERE singleton;
  RETURN NEW;
END;
$$;

-- Entries written before this migration are chained now, in id order (the order they were written
-- in: before this migration there was one writer at a time per import). The append-only trigger is
-- set aside for this one update, as the schema's owner may.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;

DO $$
DECLARE
  r    record;
  prev text   := repeat('0', 64);
  n    bigint := 0;
  h    text;
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    n := n + 1;
    h := encode(sha256(convert_to(jsonb_build_array(
      'beredskap-audit/1', prev, n, r.id,
      to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      r.token_id, r.organisation_id, r.action, r.entity, r.entity_id, r.detail
    )::text, 'UTF8')), 'hex');
    UPDATE audit_log SET chain_seq = n, prev_hash = prev, hash = h WHERE id = r.id;
    prev := h;
  END LOOP;
  INSERT INTO audit_chain_head (singleton, seq, hash) VALUES (true, n, prev);
END;
$$;

ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

ALTER TABLE audit_log
  ALTER COLUMN chain_seq SET NOT NULL,
  ALTER COLUMN prev_hash SET NOT NULL,
  ALTER COLUMN hash      SET NOT NULL;
CREATE UNIQUE INDEX audit_log_chain_seq_idx ON audit_log (chain_seq);

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- The head moves only forward, by the trigger above; it is never deleted.
CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION reject_change();
