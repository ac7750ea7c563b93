-- Issue 13, what remained (docs/shortage-cases.md, docs/allocation.md, docs/redistribution.md).

-- 1. A case's plans: allocations and redistribution plans belong to a shortage case (null: to none).
-- Before this key the routes stored any caseId unchecked, so a database may hold ids of no case. The
-- keys are added NOT VALID (new and changed rows are checked; a decided plan is frozen and is not
-- rewritten here) and validated when no existing row names a missing case, which is every database
-- whose routes only ever stored real cases.
ALTER TABLE allocation
  ADD CONSTRAINT allocation_case_fk FOREIGN KEY (case_id) REFERENCES shortage_case (id) NOT VALID;
ALTER TABLE redistribution_plan
  ADD CONSTRAINT redistribution_plan_case_fk FOREIGN KEY (case_id) REFERENCES shortage_case (id) NOT VALID;
CREATE INDEX allocation_case_idx ON allocation (case_id) WHERE case_id IS NOT NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM allocation a WHERE a.case_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM shortage_case c WHERE c.id = a.case_id)) THEN
    ALTER TABLE allocation VALIDATE CONSTRAINT allocation_case_fk;
  ELSE
    RAISE NOTICE 'allocation.case_id names missing shortage cases: allocation_case_fk left NOT VALID';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM redistribution_plan p WHERE p.case_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM shortage_case c WHERE c.id = p.case_id)) THEN
    ALTER TABLE redistribution_plan VALIDATE CONSTRAINT redistribution_plan_case_fk;
  ELSE
    RAISE NOTICE 'redistribution_plan.case_id names missing shortage cases: redistribution_plan_case_fk left NOT VALID';
  END IF;
END $$;

-- 4. Wholesaler deliveries against an allocation's quota (docs/allocation.md): what a supplying wholesaler
-- delivered to a recipient under a decided allocation. The wholesaler's own delivery id makes a resend
-- harmless (one row per wholesaler and id); the route refuses a delivery that would take a recipient over
-- its quota. Append-only.
CREATE TABLE allocation_delivery (
  id                bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  allocation_id     bigint  NOT NULL REFERENCES allocation (id),
  organisation_id   bigint  NOT NULL REFERENCES organisation (id),   -- the delivering wholesaler
  delivery_id       text    NOT NULL CHECK (length(delivery_id) BETWEEN 1 AND 100),
  recipient_key     text    NOT NULL,
  quantity          bigint  NOT NULL CHECK (quantity > 0),          -- whole packs (units for a group), as the quota
  delivered_on      date    NOT NULL,
  token_id          bigint  REFERENCES api_token (id),
  recorded_by       text    NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, delivery_id),
  FOREIGN KEY (allocation_id, organisation_id) REFERENCES allocation_supplier (allocation_id, organisation_id),
  FOREIGN KEY (allocation_id, recipient_key) REFERENCES allocation_line (allocation_id, recipient_key)
);
CREATE INDEX allocation_delivery_recipient_idx ON allocation_delivery (allocation_id, recipient_key);
CREATE TRIGGER allocation_delivery_append_only BEFORE UPDATE OR DELETE ON allocation_delivery
  FOR EACH ROW EXECUTE FUNCTION reject_change();
