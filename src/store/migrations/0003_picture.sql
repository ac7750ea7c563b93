-- The national situational picture (issue 4): maintained aggregates, refreshed by refreshPicture()
-- (src/store/picture/). Everything here is derived from the facts of 0001/0002 and can be
-- rebuilt at any time by a full refresh; nothing here is a fact. See docs/lagesbild.md.
-- Areas: 'SE' is the whole country; regions use their SCB codes '01' … '25'.

-- What the picture was computed for (one row).
CREATE TABLE picture_state (
  id                  smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  today               date        NOT NULL,         -- the day the picture describes
  window_end          date        NOT NULL,         -- last day of sales counted: min(today - 1, sales_through)
  sales_through       date,                         -- the last day the sales data covers (whole data set)
  horizon_days        integer     NOT NULL,         -- stock expiring within this many days is not usable
  critical_below_days numeric     NOT NULL,         -- risk thresholds (src/domain/risk.ts)
  low_below_days      numeric     NOT NULL,
  notice_lead_days    integer     NOT NULL,
  stock_counted_until timestamptz,                  -- newest count included
  full_refreshed_at   timestamptz NOT NULL,
  refreshed_at        timestamptz NOT NULL
);

-- Which facts of each location the stock aggregates include: its snapshot, and its stock differences
-- counted after that snapshot from reports up to difference_report_id. An incremental refresh adds the
-- location's current contribution and subtracts this one, so it reads one location's lines, not all.
CREATE TABLE picture_location_state (
  location_id          bigint PRIMARY KEY REFERENCES location (id),
  snapshot_id          bigint REFERENCES stock_snapshot (id),
  counted_at           timestamptz,
  difference_report_id bigint NOT NULL DEFAULT 0
);

-- Each package's identity for the picture, computed by the domain's own functions (groupKey,
-- normaliseText, matchesListItem), so that SQL compares exactly what the domain compares.
CREATE TABLE picture_product (
  package_id     bigint  PRIMARY KEY REFERENCES package (id),
  group_key      text    NOT NULL,              -- substance|strength|form, normalised (groupKey)
  substance_key  text    NOT NULL,              -- normaliseText(substance)
  atc_key        text    NOT NULL,              -- ATC code, upper case, no spaces
  atc4           text    NOT NULL,              -- its first five characters (ATC level 4)
  pack_size      numeric NOT NULL,
  company_id     bigint  NOT NULL,
  prioritised    boolean NOT NULL,              -- matches an entry of the prioritised list in force
  first_sale_day date                           -- first day of its sales history (any region)
);
CREATE INDEX picture_product_group_idx ON picture_product (group_key);
CREATE INDEX picture_product_substance_idx ON picture_product (substance_key);
CREATE INDEX picture_product_atc4_idx ON picture_product (atc4);

-- Stock per package x area x supply tier, in packages (src/domain/supply-tier.ts).
CREATE TABLE picture_stock (
  package_id bigint  NOT NULL,
  area_code  text    NOT NULL,
  tier       text    NOT NULL,
  total      numeric NOT NULL,                  -- all current stock
  usable     numeric NOT NULL,                  -- expiring after today + horizon, or never
  locations  integer NOT NULL,                  -- locations holding some (total > 0)
  PRIMARY KEY (package_id, area_code, tier)
) WITH (fillfactor = 80);
CREATE INDEX picture_stock_area_tier_idx ON picture_stock (area_code, tier);

-- Sales window sums per package x region (the inputs of src/domain/demand.ts) and the estimate.
CREATE TABLE picture_demand (
  package_id       bigint  NOT NULL,
  region_code      char(2) NOT NULL,
  recent_sum       numeric NOT NULL,            -- sales in the last 28 days of the window
  baseline_sum     numeric NOT NULL,            -- sales in the last 365 days
  seasonal_sum     numeric NOT NULL,            -- sales in the 28 days after window_end, a year earlier
  per_day          numeric NOT NULL,            -- expected daily demand (max rule)
  basis            text    NOT NULL,
  recent_per_day   numeric NOT NULL,
  baseline_per_day numeric,
  seasonal_per_day numeric,
  PRIMARY KEY (package_id, region_code)
);

-- Sales per package and calendar month, nationally (rows counted in the month they start).
CREATE TABLE picture_sales_month (
  package_id bigint  NOT NULL,
  month      date    NOT NULL,                  -- first day of the month
  quantity   numeric NOT NULL,
  PRIMARY KEY (package_id, month)
);

-- National stock per package as the picture saw it on each day it was refreshed (or backfilled from
-- snapshots): the history behind the product page's stock chart.
CREATE TABLE picture_stock_history (
  package_id bigint  NOT NULL,
  on_date    date    NOT NULL,
  total      numeric NOT NULL,
  usable     numeric NOT NULL,
  PRIMARY KEY (package_id, on_date)
) WITH (fillfactor = 90);

-- The item table: a package or a group of interchangeable packages, nationally ('SE') and per region.
-- Packages are counted in packages, groups in units (pack size x packages).
CREATE TABLE picture_item (
  kind                  text    NOT NULL CHECK (kind IN ('package', 'group')),
  ref                   text    NOT NULL,       -- the package id, or the group key
  area_code             text    NOT NULL,
  package_id            bigint,                 -- null for a group
  group_key             text    NOT NULL,
  substance_key         text    NOT NULL,
  atc_key               text    NOT NULL,
  atc4                  text    NOT NULL,
  company_id            bigint,                 -- null for a group
  name                  text    NOT NULL,
  substance             text    NOT NULL,
  strength              text    NOT NULL,
  form                  text    NOT NULL,
  atc_code              text    NOT NULL,
  unit                  text    NOT NULL,       -- 'förp' for packages, the pack unit for groups
  total_stock           numeric NOT NULL,
  usable_stock          numeric NOT NULL,
  demand_per_day        numeric NOT NULL,
  demand_basis          text    NOT NULL,       -- recent | seasonal | baseline | no_sales | sum_of_regions
  recent_per_day        numeric NOT NULL,
  baseline_per_day      numeric,
  seasonal_per_day      numeric,
  coverage_days         numeric,                -- null: no demand
  runs_out_on           date,
  runs_out_with_deliveries_on date,             -- null: lasts the simulated year, or no demand
  incoming              numeric NOT NULL,       -- expected deliveries within the simulated year
  risk_class            text    NOT NULL CHECK (risk_class IN ('critical', 'low', 'adequate', 'no_demand')),
  risk_rank             smallint NOT NULL,      -- 0 critical, 1 low, 2 adequate, 3 no demand: for sorting
  prioritised           boolean NOT NULL,
  active_notice         boolean NOT NULL,
  critical_shortage     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (kind, ref, area_code)
) WITH (fillfactor = 80);
-- Stock moves change only unindexed columns (and risk_rank rarely): the updates of an incremental
-- refresh stay on their page (HOT) and touch no index.
CREATE INDEX picture_item_area_idx ON picture_item (area_code, kind, risk_rank);
CREATE INDEX picture_item_package_idx ON picture_item (package_id) WHERE package_id IS NOT NULL;
CREATE INDEX picture_item_group_idx ON picture_item (group_key, area_code);
CREATE INDEX picture_item_substance_idx ON picture_item (area_code, kind, substance_key);
CREATE INDEX picture_item_atc4_idx ON picture_item (area_code, kind, atc4);
CREATE INDEX picture_item_company_idx ON picture_item (company_id, area_code) WHERE company_id IS NOT NULL;
-- The few items the critical-shortage rule (R4) looks at: prioritised and critical, or flagged.
CREATE INDEX picture_item_prioritised_critical_idx ON picture_item (area_code, kind)
  WHERE prioritised AND risk_rank = 0;
CREATE INDEX picture_item_critical_shortage_idx ON picture_item (area_code) WHERE critical_shortage;

-- Items per area and kind by risk class and flag: the overview's counts without a scan of the items.
CREATE TABLE picture_count (
  area_code            text    NOT NULL,
  kind                 text    NOT NULL,
  critical             integer NOT NULL,
  low                  integer NOT NULL,
  adequate             integer NOT NULL,
  no_demand            integer NOT NULL,
  prioritised_critical integer NOT NULL,
  critical_shortage    integer NOT NULL,
  active_notice        integer NOT NULL,
  total                integer NOT NULL,
  PRIMARY KEY (area_code, kind)
);

-- SQL twin of the last step of estimateDemand (src/domain/demand.ts): from the window sums and the
-- days of history to the expected daily demand. recent = sum / min(recent_days, history); baseline
-- and seasonal only with a full year of history; expected = the highest, ties to recent, seasonal,
-- baseline in that order; 'no_sales' when it is 0.
CREATE FUNCTION picture_demand_rule(
  recent_sum numeric, baseline_sum numeric, seasonal_sum numeric, history_days integer,
  recent_days integer, baseline_days integer, year_days integer
) RETURNS TABLE (per_day numeric, basis text, recent_per_day numeric, baseline_per_day numeric,
                 seasonal_per_day numeric)
LANGUAGE sql IMMUTABLE AS $$
  SELECT
    CASE WHEN w.best = 0 THEN 0 ELSE w.best END,
    CASE WHEN w.best = 0 THEN 'no_sales'
         WHEN w.best = w.recent THEN 'recent'
         WHEN w.best = w.seasonal THEN 'seasonal'
         ELSE 'baseline' END,
    w.recent, w.baseline, w.seasonal
  FROM (
    SELECT v.recent, v.baseline, v.seasonal, greatest(v.recent, v.seasonal, v.baseline) AS best
    FROM (
      SELECT
        CASE WHEN least(recent_days, greatest(history_days, 0)) = 0 THEN 0::numeric
             ELSE recent_sum / least(recent_days, history_days) END AS recent,
        CASE WHEN history_days >= baseline_days THEN baseline_sum / baseline_days END AS baseline,
        CASE WHEN history_days >= year_days THEN seasonal_sum / recent_days END AS seasonal
    ) v
  ) w
$$;
