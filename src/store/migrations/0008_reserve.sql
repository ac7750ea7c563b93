-- Issue 8 items 1 and 5: everyday stock and reserve (src/domain/reserve.ts, docs/lagesbild.md
-- "Everyday stock and reserve"). The picture's items, counts, maps, exports and stock history count
-- everyday stock only; the reserve (everything at a preparedness stock, and stock level 3 or 4
-- wherever it is held) is kept apart in picture_stock and shown only to those who may see it.

-- A stock row is everyday stock or reserve of its tier: a wholesaler's level-3 stock is a reserve row
-- of the wholesale tier, everything at a preparedness stock a reserve row of the preparedness tier.
ALTER TABLE picture_stock ADD COLUMN reserve boolean NOT NULL DEFAULT false;
ALTER TABLE picture_stock DROP CONSTRAINT picture_stock_pkey;
ALTER TABLE picture_stock ADD CONSTRAINT picture_stock_pkey PRIMARY KEY (package_id, area_code, tier, reserve);
ALTER TABLE picture_stock_part ADD COLUMN reserve boolean NOT NULL DEFAULT false;

-- The picture computed before this migration counted the reserve in its items and mixed human and
-- veterinary packages in one group (picture_product.group_key): forget it, so that the next refresh
-- is a full one (the server's maintainer runs it at start-up; the picture answers 503 until then).
DELETE FROM picture_state;
TRUNCATE picture_stock, picture_stock_part, picture_item, picture_item_part, picture_count;

-- The stock history counted the reserve too, and its past days are not recomputed by a refresh:
-- `beredskap picture history --days N` rebuilds them from the snapshots (backfillStockHistory).
DELETE FROM picture_stock_history;
