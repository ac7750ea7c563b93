-- Who serves whom (issue 8 item 11; docs/lagesbild.md "Wholesale stock serves an area").
--
-- Master data: the regions a wholesaler warehouse delivers to. A warehouse without rows serves the
-- whole country (the default until the master data says otherwise: the two large wholesalers deliver
-- nationwide from a few warehouses, DOMAIN.md "Single-channel distribution"). Only warehouses have a
-- service area; src/store/service-area.repository.ts refuses other kinds.
CREATE TABLE location_service_area (
  location_id bigint  NOT NULL REFERENCES location (id),
  region_code char(2) NOT NULL REFERENCES region (code),
  PRIMARY KEY (location_id, region_code)
);

-- Each warehouse's service area as a key: 'SE' (the whole country) or the region codes it serves,
-- sorted and comma separated ('22,23,24,25'). Warehouses with the same area share one key, so the
-- picture keeps their stock together.
CREATE VIEW warehouse_service_area AS
SELECT l.id AS location_id, coalesce(a.area_key, 'SE') AS area_key
FROM location l
LEFT JOIN (
  SELECT location_id, string_agg(region_code::text, ',' ORDER BY region_code) AS area_key
  FROM location_service_area GROUP BY location_id
) a ON a.location_id = l.id
WHERE l.kind = 'wholesaler_warehouse';

-- Wholesale stock per package and service area (derived, like the rest of the picture: rebuilt by a
-- full refresh). A region's share of it is computed from this and the regions' demand
-- (src/store/picture/wholesale.ts). The part table is the second connection's (0004).
CREATE UNLOGGED TABLE picture_wholesale_stock (
  package_id bigint  NOT NULL,
  area_key   text    NOT NULL,
  total      numeric NOT NULL,
  usable     numeric NOT NULL,
  locations  integer NOT NULL,
  PRIMARY KEY (package_id, area_key)
);
CREATE UNLOGGED TABLE picture_wholesale_stock_part (LIKE picture_wholesale_stock INCLUDING DEFAULTS);
