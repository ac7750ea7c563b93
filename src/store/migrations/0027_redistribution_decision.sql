-- Issue 13 item 5 (R3): Läkemedelsverket's decision on a redistribution plan and the append-only decision
-- log (decided, withdrawn, each sending and receiving confirmed). Field names as in h-alloc's allocation
-- decisions: mode, legal_basis, valid_from, valid_to, conditions {capPerDispensing,
-- minRemainingShelfLifeDays, note}, reason.

CREATE TABLE redistribution_decision (
  plan_id              bigint      PRIMARY KEY REFERENCES redistribution_plan (id),
  mode                 text        NOT NULL CHECK (mode IN ('voluntary', 'mandatory')),
  legal_basis          text        NOT NULL CHECK (length(legal_basis) > 0),
  valid_from           date        NOT NULL,
  valid_to             date        NOT NULL CHECK (valid_to >= valid_from),
  conditions           jsonb       NOT NULL,
  reason               text        NOT NULL CHECK (length(reason) > 0),
  decided_by_organisation bigint   NOT NULL REFERENCES organisation (id),
  decided_by           text        NOT NULL,
  decided_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE redistribution_decision_log (
  id              bigserial   PRIMARY KEY,
  plan_id         bigint      NOT NULL REFERENCES redistribution_plan (id),
  event           text        NOT NULL CHECK (event IN ('decided', 'withdrawn', 'sent', 'received')),
  line            integer,                                -- the transfer, for sent / received
  organisation_id bigint      NOT NULL REFERENCES organisation (id),
  actor           text        NOT NULL,
  reason          text,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redistribution_decision_log_plan ON redistribution_decision_log (plan_id, id);

-- Append-only: a decision and the log are never changed nor deleted.
CREATE FUNCTION redistribution_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$;
CREATE TRIGGER redistribution_decision_append_only BEFORE UPDATE OR DELETE ON redistribution_decision
  FOR EACH ROW EXECUTE FUNCTION redistribution_append_only();
CREATE TRIGGER redistribution_decision_log_append_only BEFORE UPDATE OR DELETE ON redistribution_decision_log
  FOR EACH ROW EXECUTE FUNCTION redistribution_append_only();
