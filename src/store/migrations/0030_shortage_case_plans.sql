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
