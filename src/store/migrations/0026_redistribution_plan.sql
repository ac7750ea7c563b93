-- Issue 13 items 3 and 4 (R3): redistribution plans (omfördelning) with their parameters, transfers and
-- equity table (docs/redistribution.md). A plan is a draft until Läkemedelsverket decides it (0027);
-- a decided plan is frozen: its content and its transfers cannot change (triggers below), only the
-- transfers' confirmations of sending and receiving are written.

CREATE TABLE redistribution_plan (
  id                      bigserial PRIMARY KEY,
  subject                 text        NOT NULL,               -- package or interchangeable group, a label
  unit                    text        NOT NULL,
  source                  text        NOT NULL CHECK (source IN ('picture', 'instance')),
  package_ids             bigint[],                           -- from the picture: the packages planned
  transfer_date           date        NOT NULL,
  parameters              jsonb       NOT NULL,               -- RedistributionParameters
  status                  text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'decided', 'withdrawn')),
  case_id                 bigint,                             -- shortage case (issue 13 item 1); the lead adds the key
  lowest_coverage_before  double precision,
  lowest_coverage_after   double precision,
  lowest_coverage_optimum double precision,                   -- LP phase 1
  transport_optimum       double precision NOT NULL,          -- LP phase 2 (units × km)
  equity                  jsonb       NOT NULL,               -- per region before/after and the spread
  outcome                 jsonb       NOT NULL,               -- locations before/after, unreachable, refused arcs
  total_quantity          numeric     NOT NULL,
  total_value_sek         numeric(14, 2) NOT NULL,
  created_by_organisation bigint      NOT NULL REFERENCES organisation (id),
  created_by              text        NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redistribution_plan_case ON redistribution_plan (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE redistribution_transfer (
  plan_id          bigint  NOT NULL REFERENCES redistribution_plan (id),
  line             integer NOT NULL,
  from_code        text    NOT NULL,                  -- the location's id in the instance (location.code from the picture)
  to_code          text    NOT NULL,
  from_location_id bigint  REFERENCES location (id),  -- when the code is a known location
  to_location_id   bigint  REFERENCES location (id),
  package          text    NOT NULL,
  batch            text    NOT NULL,
  expiry           date    NOT NULL,
  quantity         numeric NOT NULL CHECK (quantity > 0),
  value_sek        numeric(14, 2) NOT NULL CHECK (value_sek >= 0),   -- at acquisition cost: no party gains (R3)
  distance_km      double precision NOT NULL,
  sent_at          timestamptz,
  sent_by          text,
  received_at      timestamptz,
  received_by      text,
  PRIMARY KEY (plan_id, line)
);
CREATE INDEX redistribution_transfer_from ON redistribution_transfer (from_location_id);
CREATE INDEX redistribution_transfer_to ON redistribution_transfer (to_location_id);

-- A decided or withdrawn plan is frozen: only its status may move (decided → withdrawn).
CREATE FUNCTION redistribution_plan_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'redistribution plan % cannot be deleted', OLD.id;
  END IF;
  IF OLD.status <> 'draft' AND (
       (to_jsonb(NEW) - 'status') <> (to_jsonb(OLD) - 'status')
       OR NOT (OLD.status = 'decided' AND NEW.status = 'withdrawn')) THEN
    RAISE EXCEPTION 'redistribution plan % is % and frozen', OLD.id, OLD.status;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER redistribution_plan_frozen BEFORE UPDATE OR DELETE ON redistribution_plan
  FOR EACH ROW EXECUTE FUNCTION redistribution_plan_frozen();

-- A transfer's content never changes; sending and receiving are confirmed once, on a decided plan.
CREATE FUNCTION redistribution_transfer_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'transfer % of plan % cannot be deleted', OLD.line, OLD.plan_id;
  END IF;
  IF (to_jsonb(NEW) - '{sent_at,sent_by,received_at,received_by}'::text[])
       <> (to_jsonb(OLD) - '{sent_at,sent_by,received_at,received_by}'::text[])
     OR (OLD.sent_at IS NOT NULL AND NEW.sent_at IS DISTINCT FROM OLD.sent_at)
     OR (OLD.received_at IS NOT NULL AND NEW.received_at IS DISTINCT FROM OLD.received_at) THEN
    RAISE EXCEPTION 'transfer % of plan % is frozen', OLD.line, OLD.plan_id;
  END IF;
  IF (SELECT status FROM redistribution_plan WHERE id = OLD.plan_id) <> 'decided' THEN
    RAISE EXCEPTION 'transfer % of plan %: only a decided plan is confirmed', OLD.line, OLD.plan_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER redistribution_transfer_frozen BEFORE UPDATE OR DELETE ON redistribution_transfer
  FOR EACH ROW EXECUTE FUNCTION redistribution_transfer_frozen();
