-- Actors and places from their owners (issue 9 items 3 and 4): which organisation is which national
-- actor, a location's address and active state, the regions a warehouse delivers to, and whose
-- stock a stock line is (the owner, when another organisation than the holder).
-- Plain SQL for PGlite and PostgreSQL (>= 15).

-- Which national actor an organisation is (src/domain/vocabulary.ts AUTHORITY_CODES): one each.
ALTER TABLE organisation
  ADD COLUMN authority  text UNIQUE CHECK (authority IN ('lv', 'tlv', 'sos', 'ehm', 'fohm', 'nct')),
  ADD COLUMN updated_at timestamptz;
ALTER TABLE organisation ADD CONSTRAINT organisation_authority_kind_ck CHECK (
  authority IS NULL
  OR (authority = 'nct' AND kind = 'joint_function')
  OR (authority <> 'nct' AND kind = 'authority'));
-- Databases loaded before 0013 named the national actors by their handles only.
UPDATE organisation SET authority = lower(code)
WHERE (code IN ('LV', 'TLV', 'SOS', 'EHM', 'FOHM') AND kind = 'authority')
   OR (code = 'NCT' AND kind = 'joint_function');

-- A location's postal address (for people; coordinates serve distances) and its last change.
-- closed_on (0001) marks a location inactive: an import never deletes one, it closes it.
ALTER TABLE location
  ADD COLUMN street_address text,
  ADD COLUMN postal_code    text,
  ADD COLUMN postal_town    text,
  ADD COLUMN updated_at     timestamptz;

-- The regions a wholesaler warehouse delivers to. No rows: it serves the whole country.
-- (The same definition as migration 0006 on branch h-serve; whichever runs first creates it.)
CREATE TABLE IF NOT EXISTS location_service_area (
  location_id bigint  REFERENCES location (id),
  region_code char(2) REFERENCES region (code),
  PRIMARY KEY (location_id, region_code)
);

-- Whose stock a line is (R2, DOMAIN.md "single-channel distribution"): the company whose stock a
-- wholesaler holds, the region whose contracted stock a supplier holds. Null: the holder's own,
-- which is what every report before 0013 meant.
ALTER TABLE stock_line ADD COLUMN owner_id bigint REFERENCES organisation (id);
ALTER TABLE stock_difference_line ADD COLUMN owner_id bigint REFERENCES organisation (id);

-- Current stock per location x package x owner (owner = the holder when the line names none).
-- The same facts as current_stock_entry (0002): the current snapshot's lines plus later differences.
CREATE VIEW current_stock_by_owner AS
SELECT e.location_id, e.package_id, coalesce(e.owner_id, l.organisation_id) AS owner_id,
       l.organisation_id AS holder_id, sum(e.quantity) AS quantity, max(e.counted_at) AS as_of
FROM (
  SELECT cs.location_id, sl.package_id, sl.owner_id, sl.quantity, cs.counted_at
  FROM current_snapshot cs
  JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
  UNION ALL
  SELECT d.location_id, d.package_id, d.owner_id, d.quantity, d.counted_at
  FROM stock_difference_line d
  LEFT JOIN current_snapshot cs ON cs.location_id = d.location_id
  WHERE cs.counted_at IS NULL OR d.counted_at > cs.counted_at
) e
JOIN location l ON l.id = e.location_id
GROUP BY e.location_id, e.package_id, coalesce(e.owner_id, l.organisation_id), l.organisation_id;

-- Current stock per location x package x batch x stock level x owner (owner_id null: the holder's
-- own), for reading a location's stock back with its owners (the JSON and FHIR read-back).
CREATE VIEW current_stock_batch_owner AS
SELECT e.location_id, e.package_id, e.batch, e.stock_level, e.owner_id, max(e.expiry) AS expiry,
       sum(e.quantity) AS quantity, max(e.counted_at) AS as_of
FROM (
  SELECT cs.location_id, sl.package_id, sl.batch, sl.stock_level, sl.owner_id, sl.expiry, sl.quantity,
         cs.counted_at
  FROM current_snapshot cs
  JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
  UNION ALL
  SELECT d.location_id, d.package_id, d.batch, d.stock_level, d.owner_id, d.expiry, d.quantity, d.counted_at
  FROM stock_difference_line d
  LEFT JOIN current_snapshot cs ON cs.location_id = d.location_id
  WHERE cs.counted_at IS NULL OR d.counted_at > cs.counted_at
) e
GROUP BY e.location_id, e.package_id, e.batch, e.stock_level, e.owner_id;
