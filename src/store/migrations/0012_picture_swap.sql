-- A full or stock refresh builds the tables it rebuilds in a schema of its own and swaps them in
-- just before it commits (src/store/picture/swap.ts), so readers keep the last complete picture
-- meanwhile. Dropping the old picture_product would also take an ACCESS EXCLUSIVE lock on the table
-- its foreign key references, package, which every product page and every stock report (through its
-- own foreign key) uses: the swap would wait for them and hold them up. The picture is derived, and a
-- full refresh rebuilds picture_product from package itself, so the key checks nothing a refresh does
-- not already guarantee (packages are withdrawn, never deleted). picture_location_state keeps its
-- keys: it is updated in place, never swapped.
ALTER TABLE picture_product DROP CONSTRAINT IF EXISTS picture_product_package_id_fkey;
