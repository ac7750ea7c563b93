-- Issue 8, items 4 and 6 (docs/lagesbild.md): usable stock follows shelf life, and the R4 flag is a
-- signal, not the authority's designation. Like 0003 and 0004 it can be run again over freshly created
-- picture tables (bench/lagesbild.ts re-creates the derived tables that way): the function and
-- aggregate are replaced, the one fact table (recorded_alternative) created only when missing.
--
-- Written after 0008 (the reserve kept apart), 0006 (warehouses serve areas) and 0012 (full and stock
-- refreshes build their tables aside and swap them in): the lot tables below keep the reserve apart,
-- the warehouses' lots are kept per service area, and the two lot tables a rebuild fills from empty are
-- in swap.ts's FULL_REBUILD_TABLES and STOCK_REBUILD_TABLES (their part tables, like the others, are
-- the second connection's and stay in public).

-- 1. Usable stock is what can be dispensed before it expires, drawn first-expiry-first-out at the
--    item's demand (src/domain/coverage.ts usableBeforeExpiry), with a minimum remaining shelf life at
--    dispensing as a named parameter. The 30-day "horizon" (stock expiring within it counted as zero)
--    is gone; so is its column.
ALTER TABLE picture_state RENAME COLUMN horizon_days TO min_shelf_life_days;
-- picture_stock.usable (and picture_stock_history.usable) now hold the stock that can still be
-- dispensed today (expiry - min_shelf_life_days after today, or no expiry): what is usable before
-- expiry depends on the demand drawing on it, which an item has and a tier row does not.

-- Stock per package x region x supply tier x everyday/reserve x expiry ('infinity' = does not
-- expire), in packages: the lots the items' usable stock is computed from (everyday lots only; the
-- reserve's lots give the days it would add, 0008). Regions only: an item of the nation reads the
-- lots of every region. Derived like the rest of the picture (unlogged, rebuilt by a full refresh).
CREATE UNLOGGED TABLE picture_stock_expiry (
  package_id bigint  NOT NULL,
  area_code  text    NOT NULL,
  tier       text    NOT NULL,
  reserve    boolean NOT NULL,
  expiry     date    NOT NULL,
  quantity   numeric NOT NULL,
  PRIMARY KEY (package_id, area_code, tier, reserve, expiry)
);
-- The same rows from the refresh's second connection (see rebuildStock), added by the refresh.
CREATE UNLOGGED TABLE picture_stock_expiry_part (
  package_id bigint  NOT NULL,
  area_code  text    NOT NULL,
  tier       text    NOT NULL,
  reserve    boolean NOT NULL,
  expiry     date    NOT NULL,
  quantity   numeric NOT NULL
);
-- That connection also writes its regions' items, reading these lots item by item.
CREATE INDEX picture_stock_expiry_part_idx ON picture_stock_expiry_part (package_id, area_code);

-- The warehouses' everyday lots per package x service area (0006's area_key) x expiry: a region's
-- items count its share of each (src/store/picture/expiry.ts), as they count its share of
-- picture_wholesale_stock. The part table is the second connection's, which writes regions' items.
CREATE UNLOGGED TABLE picture_wholesale_expiry (
  package_id bigint  NOT NULL,
  area_key   text    NOT NULL,
  expiry     date    NOT NULL,
  quantity   numeric NOT NULL,
  PRIMARY KEY (package_id, area_key, expiry)
);
CREATE UNLOGGED TABLE picture_wholesale_expiry_part (
  package_id bigint  NOT NULL,
  area_key   text    NOT NULL,
  expiry     date    NOT NULL,
  quantity   numeric NOT NULL
);
CREATE INDEX picture_wholesale_expiry_part_idx ON picture_wholesale_expiry_part (package_id);

-- SQL twin of usableBeforeExpiry: one step of the first-expiry-first-out draw. `consumed` is what the
-- earlier lots (in expiry order) supply; a lot is dispensed on the days before expiry - min_shelf_life,
-- so at most per_day x that many days can have been drawn by then:
--   consumed_i = greatest(consumed, least(consumed + quantity_i, per_day x (expiry_i - min_shelf_life - today)))
-- A lot without expiry (NULL or 'infinity') is wholly usable; so is every lot that can still be
-- dispensed when nothing is used (per_day 0); a lot of 0 or less adds nothing.
CREATE OR REPLACE FUNCTION picture_usable_step(
  consumed numeric, quantity numeric, expiry date, per_day numeric, today date, min_shelf_life integer
) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN expiry IS NULL OR NOT isfinite(expiry) THEN consumed + greatest(quantity, 0)
    WHEN (expiry - today) - min_shelf_life <= 0 THEN consumed
    WHEN per_day <= 0 THEN consumed + greatest(quantity, 0)
    ELSE greatest(consumed, least(consumed + quantity, per_day * ((expiry - today) - min_shelf_life)))
  END
$$;

-- picture_usable_before_expiry(quantity, expiry, per_day, today, min_shelf_life ORDER BY expiry):
-- the usable stock of an item's lots. The lots must be ordered by expiry (NULLs last, the default).
CREATE OR REPLACE AGGREGATE picture_usable_before_expiry(numeric, date, numeric, date, integer) (
  SFUNC = picture_usable_step,
  STYPE = numeric,
  INITCOND = '0'
);

-- 2. The R4 flag is a signal: "möjlig kritisk brist". Whether a shortage is kritisk brist is
--    Läkemedelsverket's assessment (seed 004); the picture cannot decide it.
ALTER TABLE picture_item RENAME COLUMN critical_shortage TO possible_critical_shortage;
ALTER TABLE picture_item_part RENAME COLUMN critical_shortage TO possible_critical_shortage;
ALTER INDEX picture_item_critical_shortage_idx RENAME TO picture_item_possible_critical_shortage_idx;
ALTER TABLE picture_count RENAME COLUMN critical_shortage TO possible_critical_shortage;

-- Alternatives an authority (Läkemedelsverket) has recorded for a product: they count as
-- interchangeable for the signal, like another package of the same group. Empty until the issue
-- that records them; the rule already reads it. `units_per_unit`: how many units (tablets, ml …) of
-- the alternative replace one unit of the product (2 when two 250 mg tablets replace one of 500 mg).
CREATE TABLE IF NOT EXISTS recorded_alternative (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  package_id             bigint  NOT NULL REFERENCES package (id),
  alternative_package_id bigint  NOT NULL REFERENCES package (id),
  units_per_unit         numeric NOT NULL DEFAULT 1 CHECK (units_per_unit > 0),
  organisation_id        bigint  NOT NULL REFERENCES organisation (id),  -- the authority that recorded it
  decided_on             date    NOT NULL,
  note                   text,
  CHECK (alternative_package_id <> package_id),
  UNIQUE (package_id, alternative_package_id)
);
CREATE INDEX IF NOT EXISTS recorded_alternative_alternative_idx ON recorded_alternative (alternative_package_id);

-- The picture computed before this migration has no lots and judged usable stock by the 30-day cut:
-- forget it, so that the next refresh is a full one (as 0008 does).
DELETE FROM picture_state;
