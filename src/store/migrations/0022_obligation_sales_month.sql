-- Issue 12 item 10 (docs/obligations.md, "Speed"): the national sales of each package per calendar
-- month, each sale counted once (the picture's rule: findMixedSalesKeys and coveredSalesDaysSql), a
-- weekly row split pro rata over the months it covers. An obligation's basis for a package whose
-- seller did not change inside a month is the sum of these months, instead of a year of daily rows per
-- region. Built when a calculation first needs a month (obligationSalesMonths in
-- src/store/obligation.repository.ts) and kept; every writer of sales deletes the months its rows
-- touch (recordSalesExtent, src/store/sales-extent.repository.ts, in the writer's transaction), so a
-- month read here always equals the sales as they are now.
CREATE TABLE obligation_sales_month (
  package_id bigint  NOT NULL,
  month      date    NOT NULL CHECK (extract(day FROM month) = 1),
  units      numeric NOT NULL,
  PRIMARY KEY (package_id, month)
);
