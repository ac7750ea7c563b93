-- Issue 13 item 2 (R3, seeds 001 and 002): allocation of scarce supply (fördelning). An allocation
-- shares what is available of a package or interchangeable group (wholesale stock plus deliveries
-- expected within the horizon) among recipients by tiers and equal days of coverage
-- (src/domain/allocation.ts, docs/allocation.md). Läkemedelsverket decides it; the decision freezes it
-- and the wholesalers then deliver by its quota.

CREATE TABLE allocation (
  id                bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_kind         text    NOT NULL CHECK (item_kind IN ('package', 'group')),
  item_ref          text    NOT NULL,                  -- package id, or the group key
  item_name         text    NOT NULL,
  unit              text    NOT NULL,                  -- 'förp' for a package; the group's unit
  horizon_days      integer NOT NULL CHECK (horizon_days BETWEEN 1 AND 365),
  picture_today     date    NOT NULL,                  -- the picture's day the figures are from
  wholesale_stock   numeric NOT NULL CHECK (wholesale_stock >= 0),
  deliveries        numeric NOT NULL CHECK (deliveries >= 0),
  available         bigint  NOT NULL CHECK (available >= 0),
  allocated         bigint  NOT NULL CHECK (allocated >= 0 AND allocated <= available),
  parameters        jsonb   NOT NULL,                  -- tiers, rounding rule, method: as computed
  status            text    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'decided', 'withdrawn')),
  case_id           bigint,                            -- a shortage case (issue 13 item 1); FK added later
  note              text    CHECK (length(note) <= 1000),
  organisation_id   bigint  NOT NULL REFERENCES organisation (id),
  token_id          bigint  REFERENCES api_token (id),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allocation_status_idx ON allocation (status, id);

-- One line per recipient, written once with the allocation (append-only).
CREATE TABLE allocation_line (
  allocation_id     bigint  NOT NULL REFERENCES allocation (id),
  line_no           integer NOT NULL,
  recipient_kind    text    NOT NULL CHECK (recipient_kind IN
                      ('region', 'hospital_pharmacy', 'dose_pharmacy', 'community_pharmacy')),
  recipient_key     text    NOT NULL,                  -- region code, or location id
  recipient_name    text    NOT NULL,
  region_code       char(2) NOT NULL REFERENCES region (code),
  location_id       bigint  REFERENCES location (id),  -- set for a location recipient
  tier              integer NOT NULL CHECK (tier >= 1),
  demand_per_day    numeric NOT NULL CHECK (demand_per_day >= 0),
  stock             numeric NOT NULL CHECK (stock >= 0),
  upper_bound       bigint  NOT NULL CHECK (upper_bound >= 0),
  minimum           bigint  NOT NULL DEFAULT 0 CHECK (minimum >= 0 AND minimum <= upper_bound),
  allocated         bigint  NOT NULL CHECK (allocated >= 0 AND allocated <= upper_bound),
  exact_share       text    NOT NULL,
  rounding          text    NOT NULL CHECK (rounding IN ('exact', 'down', 'up')),
  reason            text    NOT NULL CHECK (reason IN ('raised_to_level', 'capped_at_limit', 'above_level',
                      'no_demand', 'minimum_shared', 'nothing_left')),
  level_days        numeric,
  coverage_before   numeric,
  coverage_after    numeric,
  PRIMARY KEY (allocation_id, line_no),
  UNIQUE (allocation_id, recipient_key)
);
CREATE INDEX allocation_line_region_idx ON allocation_line (region_code, allocation_id);
CREATE TRIGGER allocation_line_append_only BEFORE UPDATE OR DELETE ON allocation_line
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- The supply the allocation shares, per holder: a wholesaler's warehouse stock and its expected
-- deliveries. A wholesaler listed here sees the allocation's quota per recipient (item 2: "the
-- wholesaler sees, per recipient, what it may deliver"). Append-only.
CREATE TABLE allocation_supplier (
  allocation_id     bigint  NOT NULL REFERENCES allocation (id),
  organisation_id   bigint  NOT NULL REFERENCES organisation (id),
  stock             numeric NOT NULL CHECK (stock >= 0),
  deliveries        numeric NOT NULL CHECK (deliveries >= 0),
  PRIMARY KEY (allocation_id, organisation_id)
);
CREATE TRIGGER allocation_supplier_append_only BEFORE UPDATE OR DELETE ON allocation_supplier
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- Läkemedelsverket's decisions on an allocation (R3): decide (freezes it) or withdraw. The same fields
-- as the redistribution plans' decisions. Append-only: a decision is never changed, only followed by
-- another (a withdrawal).
CREATE TABLE allocation_decision (
  id                bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  allocation_id     bigint  NOT NULL REFERENCES allocation (id),
  outcome           text    NOT NULL CHECK (outcome IN ('decided', 'withdrawn')),
  mode              text    CHECK (mode IN ('voluntary', 'mandatory')),
  legal_basis       text    CHECK (length(legal_basis) BETWEEN 1 AND 500),
  valid_from        date,
  valid_to          date,
  conditions        jsonb   NOT NULL DEFAULT '{}'::jsonb,
  reason            text    NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  organisation_id   bigint  NOT NULL REFERENCES organisation (id),
  token_id          bigint  REFERENCES api_token (id),
  decided_by        text    NOT NULL,                  -- the user's name, as the audit log has it
  decided_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (outcome = 'withdrawn' OR (mode IS NOT NULL AND legal_basis IS NOT NULL AND valid_from IS NOT NULL)),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX allocation_decision_allocation_idx ON allocation_decision (allocation_id, id);
CREATE TRIGGER allocation_decision_append_only BEFORE UPDATE OR DELETE ON allocation_decision
  FOR EACH ROW EXECUTE FUNCTION reject_change();
