-- Issue 10 item 7 (trends and outlook on screen): each area's everyday stock and demand estimate per
-- package and day, the history behind the product page's coverage over time (docs/lagesbild.md,
-- "Trends and outlook"). Like picture_stock_history it is kept (logged), not rebuilt: a full refresh
-- writes the day's row per package and area from the item table (what the picture said that day);
-- backfillStockHistory reconstructs past days from the snapshots (backfilled = true).
-- Areas: 'SE' the nation, '01' … '25' the regions. Everyday stock only: the reserve is never in it.
CREATE TABLE picture_area_history (
  package_id     bigint  NOT NULL,
  area_code      text    NOT NULL,
  on_date        date    NOT NULL,
  total          numeric NOT NULL,               -- everyday stock counted for the area
  usable         numeric NOT NULL,               -- what the picture counted as usable that day
  demand_per_day numeric NOT NULL,               -- that day's demand estimate (picture_demand_rule)
  coverage_days  numeric,                        -- usable / demand; null without demand
  backfilled     boolean NOT NULL DEFAULT false, -- reconstructed from snapshots, not recorded that day
  PRIMARY KEY (package_id, area_code, on_date)
) WITH (fillfactor = 90);
