-- Owned stock read by owner (issue 12 item 10): the lines a location holds on behalf of another
-- organisation (owner_id, 0013), and only those, by snapshot. Supervision (R1) and the regions'
-- one-month target (R2) read a company's or a region's stock wherever held through it
-- (ownedStockRows, src/store/stock-owner.repository.ts) instead of probing every current snapshot for
-- every package on the list. A pharmacy's snapshot, whose lines are its own, has no entry in it.
-- Plain SQL for PGlite and PostgreSQL (>= 15).
CREATE INDEX IF NOT EXISTS stock_line_owner_idx ON stock_line (snapshot_id, owner_id) INCLUDE (package_id, quantity)
  WHERE owner_id IS NOT NULL;
