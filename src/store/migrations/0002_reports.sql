-- Reports in (issue 3): receipts and idempotency, stock differences, expected deliveries, notice flags,
-- and the "current state" views that make current stock, sales, deliveries and notices cheap to query.
-- Plain SQL for PGlite and PostgreSQL (>= 15). Facts stay append-only: "current" is derived, never updated.

-- Receipts ----------------------------------------------------------------------------------------

ALTER TABLE report
  ADD COLUMN summary       jsonb   NOT NULL DEFAULT '{}'::jsonb,  -- counts per kind, e.g. {"locations": 3, "lines": 120}
  ADD COLUMN warnings      jsonb   NOT NULL DEFAULT '[]'::jsonb,  -- accepted but flagged, e.g. a late sales stop (R4)
  ADD COLUMN problems      jsonb   NOT NULL DEFAULT '[]'::jsonb,  -- why a rejected report was refused (capped)
  ADD COLUMN problem_count integer NOT NULL DEFAULT 0,             -- all problems found, also those past the cap
  ADD COLUMN byte_count    bigint,
  ADD COLUMN file_name     text,
  ADD COLUMN token_id      bigint REFERENCES api_token (id);       -- null when sent by the CLI operator

-- Idempotency: one accepted report per client reference and one per content, per organisation and kind.
-- A rejected report holds neither, so the corrected file can reuse the reference.
DROP INDEX report_client_ref_uq;
CREATE UNIQUE INDEX report_client_ref_uq ON report (organisation_id, kind, client_ref)
  WHERE client_ref IS NOT NULL AND status = 'accepted';
CREATE UNIQUE INDEX report_content_uq ON report (organisation_id, kind, content_sha256)
  WHERE status = 'accepted';

-- Stock -------------------------------------------------------------------------------------------

-- A report's snapshots (which locations an accepted report changed, for the picture's refresh).
CREATE INDEX stock_snapshot_report_idx ON stock_snapshot (report_id);

-- Movements since the last count (FHIR countType 'difference'): quantity is the signed change.
CREATE TABLE stock_difference_line (
  report_id   bigint      NOT NULL REFERENCES report (id),
  location_id bigint      NOT NULL REFERENCES location (id),
  counted_at  timestamptz NOT NULL,                      -- the change is counted up to this moment
  package_id  bigint      NOT NULL REFERENCES package (id),
  batch       text,
  expiry      date,
  quantity    numeric     NOT NULL,                      -- in packages; negative when stock went out
  stock_level smallint    NOT NULL DEFAULT 1 CHECK (stock_level BETWEEN 1 AND 4)
);
CREATE INDEX stock_difference_line_location_idx ON stock_difference_line (location_id, counted_at);
CREATE INDEX stock_difference_line_report_idx ON stock_difference_line (report_id);
CREATE TRIGGER stock_difference_line_append_only BEFORE UPDATE OR DELETE ON stock_difference_line
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- The newest snapshot of each location (latest counted_at, then highest id): one index probe per
-- location on stock_snapshot_location_idx. Older snapshots stay as history.
CREATE VIEW current_snapshot AS
SELECT l.id AS location_id, s.id AS snapshot_id, s.counted_at
FROM location l
CROSS JOIN LATERAL (
  SELECT ss.id, ss.counted_at
  FROM stock_snapshot ss
  WHERE ss.location_id = l.id
  ORDER BY ss.counted_at DESC, ss.id DESC
  LIMIT 1
) s;

-- Every fact that makes up current stock: the lines of the current snapshot, plus the differences
-- counted after it (or all differences of a location that has never sent a snapshot).
CREATE VIEW current_stock_entry AS
SELECT cs.location_id, sl.package_id, sl.batch, sl.expiry, sl.stock_level, sl.quantity, cs.counted_at
FROM current_snapshot cs
JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
UNION ALL
SELECT d.location_id, d.package_id, d.batch, d.expiry, d.stock_level, d.quantity, d.counted_at
FROM stock_difference_line d
LEFT JOIN current_snapshot cs ON cs.location_id = d.location_id
WHERE cs.counted_at IS NULL OR d.counted_at > cs.counted_at;

-- Current stock per location x package x batch (and stock level).
CREATE VIEW current_stock_batch AS
SELECT location_id, package_id, batch, stock_level, max(expiry) AS expiry, sum(quantity) AS quantity,
       max(counted_at) AS as_of
FROM current_stock_entry
GROUP BY location_id, package_id, batch, stock_level;

-- Current stock per location x package.
CREATE VIEW current_stock AS
SELECT location_id, package_id, sum(quantity) AS quantity, min(expiry) AS earliest_expiry,
       max(counted_at) AS as_of
FROM current_stock_entry
GROUP BY location_id, package_id;

-- Sales -------------------------------------------------------------------------------------------

CREATE INDEX sales_location_period_idx ON sales (location_id, period_start) WHERE location_id IS NOT NULL;
CREATE INDEX sales_report_idx ON sales (report_id);

-- Expected deliveries (R6 3.1.4: forecast of incoming quantities) ---------------------------------

-- A report states the reporter's whole current plan for each package it names; the newest report per
-- organisation and package is the plan (quantity 0 clears it). Older plans stay as history.
CREATE TABLE expected_delivery (
  report_id       bigint  NOT NULL REFERENCES report (id),
  organisation_id bigint  NOT NULL REFERENCES organisation (id),  -- the company or wholesaler reporting
  package_id      bigint  NOT NULL REFERENCES package (id),
  location_id     bigint  REFERENCES location (id),               -- where it arrives, when known
  quantity        numeric NOT NULL CHECK (quantity >= 0),          -- in packages
  expected_on     date    NOT NULL,
  reference       text                                             -- the reporter's order or shipment id
);
CREATE INDEX expected_delivery_plan_idx ON expected_delivery (organisation_id, package_id, report_id);
CREATE INDEX expected_delivery_package_idx ON expected_delivery (package_id, expected_on);
CREATE TRIGGER expected_delivery_append_only BEFORE UPDATE OR DELETE ON expected_delivery
  FOR EACH ROW EXECUTE FUNCTION reject_change();

CREATE VIEW current_expected_delivery AS
SELECT e.*
FROM expected_delivery e
WHERE e.quantity > 0
  AND e.report_id = (
    SELECT max(e2.report_id) FROM expected_delivery e2
    WHERE e2.organisation_id = e.organisation_id AND e2.package_id = e.package_id
  );

-- Shortage notices (R4) ---------------------------------------------------------------------------

ALTER TABLE shortage_notice
  ADD COLUMN reference text,                          -- the company's own notice id; a resend supersedes
  ADD COLUMN late      boolean NOT NULL DEFAULT false; -- R4: sales stop notified < 2 months ahead (flagged)
CREATE INDEX shortage_notice_reference_idx ON shortage_notice (company_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX shortage_notice_supersedes_idx ON shortage_notice (supersedes_id) WHERE supersedes_id IS NOT NULL;

-- Notices not superseded by a correction. "Active on a day" is a filter on its dates.
CREATE VIEW current_shortage_notice AS
SELECT n.*
FROM shortage_notice n
WHERE NOT EXISTS (SELECT 1 FROM shortage_notice s WHERE s.supersedes_id = n.id);
