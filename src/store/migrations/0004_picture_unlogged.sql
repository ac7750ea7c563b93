-- The picture's tables are derived (0003: "nothing here is a fact"), so they skip the write-ahead log:
-- a refresh after the national daily snapshot rewrites a million stock rows and as many items, and
-- logging them cost a third of its time (measured in bench/lagesbild.ts). After a crash of the
-- database server PostgreSQL empties unlogged tables; picture_state empties with them, so the next
-- refresh is a full one (the server's PictureMaintainer runs it at start-up). A hot standby does not
-- receive them: a read replica computes its own picture when promoted. The stock history stays
-- logged: its past days are not recomputed by a refresh.
ALTER TABLE picture_state SET UNLOGGED;
ALTER TABLE picture_location_state SET UNLOGGED;
ALTER TABLE picture_product SET UNLOGGED;
ALTER TABLE picture_stock SET UNLOGGED;
ALTER TABLE picture_demand SET UNLOGGED;
ALTER TABLE picture_sales_month SET UNLOGGED;
ALTER TABLE picture_item SET UNLOGGED;
ALTER TABLE picture_count SET UNLOGGED;

-- Stock aggregates computed by a second connection while the refresh's own computes the rest (see
-- rebuildStock in src/store/picture/): the refresh's transaction then adds them to
-- picture_stock. Empty between refreshes.
CREATE UNLOGGED TABLE picture_stock_part (
  package_id bigint  NOT NULL,
  area_code  text    NOT NULL,
  tier       text    NOT NULL,
  total      numeric NOT NULL,
  usable     numeric NOT NULL,
  locations  integer NOT NULL
);

-- Items of the regions written by that second connection (stock mode), added to picture_item the
-- same way. Its columns are picture_item's: a migration that changes one changes the other.
CREATE UNLOGGED TABLE picture_item_part (LIKE picture_item INCLUDING DEFAULTS);
