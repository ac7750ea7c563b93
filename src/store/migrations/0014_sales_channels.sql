-- Issue 8 items 2 and 3: sales channels (one source per sale), each region's own sales window, and
-- the freshness of every reporter. See docs/reports.md ("sales") and docs/lagesbild.md.

-- Sales channels -----------------------------------------------------------------------------------

-- The channel a sale went through (src/domain/sales-channel.ts): community dispensing, requisition to
-- care, dose dispensing. Per region, package, channel and day one figure counts: the region-level one
-- where it is reported, otherwise the sum of the locations' rows (salesThatCount, src/domain/demand.ts).
-- Rows from before this migration get the documented defaults (ours): a location's row the channel of
-- its kind; a region-level row care requisitions when a region sent it, community dispensing when an
-- authority did. The column default only fills the existing rows (no table rewrite) and is dropped:
-- every writer names the channel. The check is added NOT VALID (no scan of a national sales table:
-- the rows it would check hold the default or the values set below) and holds for every new row.
ALTER TABLE sales ADD COLUMN channel text NOT NULL DEFAULT 'community_dispensing';
ALTER TABLE sales ADD CONSTRAINT sales_channel_check
  CHECK (channel IN ('community_dispensing', 'care_requisition', 'dose_dispensing')) NOT VALID;
UPDATE sales s SET channel = CASE l.kind
    WHEN 'community_pharmacy' THEN 'community_dispensing'
    WHEN 'dose_pharmacy' THEN 'dose_dispensing'
    ELSE 'care_requisition' END
FROM location l
WHERE s.location_id IS NOT NULL AND s.location_id = l.id AND l.kind <> 'community_pharmacy';
UPDATE sales s SET channel = 'care_requisition'
WHERE s.location_id IS NULL
  AND s.report_id IN (SELECT r.id FROM report r JOIN organisation o ON o.id = r.organisation_id
                      WHERE o.kind = 'region');
ALTER TABLE sales ALTER COLUMN channel DROP DEFAULT;

-- Where each source's figures lie: per package, region, channel and source (region-level or the
-- locations' rows), the first and last day its rows cover. Kept by every writer of sales, in the same
-- transaction (recordSalesExtent, src/store/sales-extent.repository.ts): the picture finds the few
-- (package, region, channel) keys that have both sources from it, without reading every sales row
-- again, and resolves only those (docs/lagesbild.md, "One source per sale").
CREATE TABLE sales_extent (
  package_id  bigint  NOT NULL REFERENCES package (id),
  region_code char(2) NOT NULL REFERENCES region (code),
  channel     text    NOT NULL,
  regional    boolean NOT NULL,                 -- true: region-level rows (no location)
  first_day   date    NOT NULL,
  last_day    date    NOT NULL,
  PRIMARY KEY (package_id, region_code, channel, regional)
);
INSERT INTO sales_extent (package_id, region_code, channel, regional, first_day, last_day)
SELECT package_id, region_code, channel, location_id IS NULL, min(period_start),
       max(period_start + period_days - 1)
FROM sales GROUP BY 1, 2, 3, 4;

-- The picture (derived, unlogged like the rest of 0003/0004) ----------------------------------------

-- Each region's sales window: the last day its sales cover (the end of its latest-starting row, any
-- package) and the window end its demand is estimated to, min(today - 1, sales_through). A region
-- whose figures arrive late keeps its demand instead of reading as selling nothing.
CREATE UNLOGGED TABLE picture_region_window (
  region_code   char(2) PRIMARY KEY REFERENCES region (code),
  sales_through date,
  window_end    date NOT NULL
);

-- The freshness of each location's stock: its newest count (snapshot or difference), and its
-- "expected stock" for the completeness of the day's picture: the total of its latest snapshot counted
-- before the picture's day (or of today's when it has none before). previous_snapshot_id says which
-- snapshot that was, so the sum is taken once per snapshot, not at every refresh.
CREATE UNLOGGED TABLE picture_location_freshness (
  location_id          bigint PRIMARY KEY REFERENCES location (id),
  region_code          char(2) NOT NULL,
  stock_counted_at     timestamptz,
  previous_snapshot_id bigint,
  expected_stock       numeric NOT NULL DEFAULT 0
);
