-- Socialstyrelsen's prioritised list as imported versions (issue 9 item 2). A version, once stored, is
-- never changed: a new one starts on its valid_from date, and the one before ends the day before, so
-- that a past date keeps reading the version that was in force then.

ALTER TABLE product_list
  ADD COLUMN import_id      bigint REFERENCES master_data_import (id),
  ADD COLUMN content_sha256 text;        -- of the entries as read: the same version sent again is a replay

-- "The version in force on a date": the latest valid_from on or before it, per list code.
CREATE INDEX product_list_code_valid_from_idx ON product_list (code, valid_from DESC, id DESC);
