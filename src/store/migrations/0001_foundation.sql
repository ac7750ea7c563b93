-- beredskap foundation schema. Plain SQL that runs unchanged on PGlite and PostgreSQL (>= 15).
-- History is kept: facts (stock, sales, notices, audit) are appended; a correction is a new row.

-- Geography ---------------------------------------------------------------------------------------

CREATE TABLE region (
  code            char(2)  PRIMARY KEY,             -- SCB county code, '01' Stockholm … '25' Norrbotten
  name            text     NOT NULL UNIQUE,
  population      integer  NOT NULL CHECK (population > 0),
  population_date date     NOT NULL,
  civil_area      text     NOT NULL                 -- one of the six civil areas (county board level)
);

CREATE TABLE municipality (
  code        char(4) PRIMARY KEY,                  -- SCB municipality code
  name        text    NOT NULL,
  region_code char(2) NOT NULL REFERENCES region (code),
  population  integer NOT NULL CHECK (population >= 0)
);
CREATE INDEX municipality_region_idx ON municipality (region_code);

-- Actors ------------------------------------------------------------------------------------------

-- The actor types of DOMAIN.md. 'joint_function' is the regions' Nationellt CT.
CREATE TABLE organisation (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code              text   NOT NULL UNIQUE,          -- short stable handle, e.g. 'LV', 'REG-01', 'WHS-1'
  org_number        text   NOT NULL UNIQUE,          -- organisationsnummer NNNNNN-NNNN
  name              text   NOT NULL,
  kind              text   NOT NULL CHECK (kind IN (
                      'authority', 'joint_function', 'region', 'municipality', 'wholesaler',
                      'pharmacy_operator', 'dose_pharmacy_operator', 'company', 'other')),
  region_code       char(2) REFERENCES region (code),
  municipality_code char(4) REFERENCES municipality (code),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisation_kind_idx ON organisation (kind);

-- Places that hold stock ---------------------------------------------------------------------------

CREATE TABLE location (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code              text   NOT NULL UNIQUE,          -- e.g. 'SE-APO-0042'; the identifier reporters use
  gln               text   UNIQUE,                   -- GS1 global location number, when known
  name              text   NOT NULL,
  kind              text   NOT NULL CHECK (kind IN (
                      'wholesaler_warehouse', 'community_pharmacy', 'dose_pharmacy', 'hospital_pharmacy',
                      'care_unit_store', 'municipal_store', 'state_security_stock',
                      'regional_preparedness_stock')),
  organisation_id   bigint  NOT NULL REFERENCES organisation (id),
  region_code       char(2) NOT NULL REFERENCES region (code),
  municipality_code char(4) REFERENCES municipality (code),
  latitude          double precision,
  longitude         double precision,
  opened_on         date,
  closed_on         date
);
CREATE INDEX location_org_idx ON location (organisation_id);
CREATE INDEX location_region_kind_idx ON location (region_code, kind);

-- Products ----------------------------------------------------------------------------------------

-- A medicinal product (NPL id): one substance, strength and form from one company.
CREATE TABLE medicine (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  npl_id        text   NOT NULL UNIQUE,
  name          text   NOT NULL,
  atc_code      text   NOT NULL,
  substance     text   NOT NULL,
  form          text   NOT NULL,                      -- e.g. 'tablett', 'injektionsvätska, lösning'
  strength      text   NOT NULL,                      -- as labelled, e.g. '500 mg'
  strength_value numeric,
  strength_unit  text,
  species       text   NOT NULL DEFAULT 'human' CHECK (species IN ('human', 'veterinary')),
  company_id    bigint NOT NULL REFERENCES organisation (id)   -- marketing authorisation holder
);
CREATE INDEX medicine_atc_idx ON medicine (atc_code);
CREATE INDEX medicine_substance_idx ON medicine (lower(substance));

-- A package sold in Sweden. kind leaves room for medical devices later.
CREATE TABLE package (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  npl_pack_id           text   NOT NULL UNIQUE,
  nordic_article_number text   UNIQUE,               -- varunummer, 6 digits
  gtin                  text   UNIQUE,
  medicine_id           bigint NOT NULL REFERENCES medicine (id),
  kind                  text   NOT NULL DEFAULT 'medicine' CHECK (kind IN ('medicine', 'device')),
  pack_size             numeric NOT NULL CHECK (pack_size > 0),
  pack_unit             text   NOT NULL,              -- 'st', 'ml', 'g', 'dos'
  description           text   NOT NULL,              -- e.g. '100 tablett(er) blister'
  price_sek             numeric(12, 2),               -- pharmacy purchase price (AIP) per package
  company_id            bigint NOT NULL REFERENCES organisation (id),   -- seller: MAH or parallel importer
  parallel_traded       boolean NOT NULL DEFAULT false,  -- R1: exempt from the stockpiling obligation
  licence               boolean NOT NULL DEFAULT false,  -- R1: licence medicines are exempt too
  marketed_from         date,
  withdrawn_on          date
);
CREATE INDEX package_medicine_idx ON package (medicine_id);
CREATE INDEX package_company_idx ON package (company_id);

-- Versioned product lists, e.g. Socialstyrelsen's list of medicines for care that cannot wait.
CREATE TABLE product_list (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code            text   NOT NULL,                  -- 'sos-prioritised'
  version         text   NOT NULL,                  -- '2023-05-12'
  name            text   NOT NULL,
  issuer_id       bigint NOT NULL REFERENCES organisation (id),
  published_on    date   NOT NULL,
  valid_from      date   NOT NULL,
  valid_to        date,
  UNIQUE (code, version)
);

-- An entry names a substance (with optional ATC code and form) so that every package of it is covered.
CREATE TABLE product_list_item (
  list_id     bigint NOT NULL REFERENCES product_list (id),
  position    integer NOT NULL,
  atc_code    text   NOT NULL,
  substance   text   NOT NULL,
  form        text,
  care_area   text,                                 -- e.g. 'sluten vård', 'intensivvård'
  note        text,
  PRIMARY KEY (list_id, position)
);
CREATE INDEX product_list_item_atc_idx ON product_list_item (atc_code);

-- Access ------------------------------------------------------------------------------------------

CREATE TABLE app_user (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text   NOT NULL,
  email           text   NOT NULL UNIQUE,
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- A bearer token belongs to a user, an organisation and one role. Only its SHA-256 is stored.
CREATE TABLE api_token (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_sha256    text   NOT NULL UNIQUE,
  label           text   NOT NULL,
  user_id         bigint NOT NULL REFERENCES app_user (id),
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  role            text   NOT NULL CHECK (role IN ('admin', 'coordinator', 'analyst', 'reporter', 'reader')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz,
  revoked_at      timestamptz
);

-- Reports and facts -------------------------------------------------------------------------------

-- Every batch of facts that entered the system: an upload, an API call, or the synthetic generator.
CREATE TABLE report (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text   NOT NULL CHECK (kind IN (
                    'stock_snapshot', 'stock_difference', 'sales', 'expected_delivery',
                    'shortage_notice', 'catalogue', 'synthetic')),
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  client_ref      text,                                  -- the reporter's own id, for idempotency
  content_sha256  text   NOT NULL,
  format          text   NOT NULL,                       -- 'csv', 'json', 'fhir', 'generator'
  line_count      integer NOT NULL DEFAULT 0,
  status          text   NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'rejected')),
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX report_client_ref_uq ON report (organisation_id, kind, client_ref) WHERE client_ref IS NOT NULL;
CREATE INDEX report_org_idx ON report (organisation_id, received_at);

-- A count of one location's stock at one moment. A newer snapshot supersedes an older for
-- "current stock"; both stay.
CREATE TABLE stock_snapshot (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  location_id bigint NOT NULL REFERENCES location (id),
  counted_at  timestamptz NOT NULL,
  report_id   bigint NOT NULL REFERENCES report (id),
  line_count  integer NOT NULL DEFAULT 0
);
CREATE INDEX stock_snapshot_location_idx ON stock_snapshot (location_id, counted_at DESC, id DESC);

CREATE TABLE stock_line (
  snapshot_id bigint  NOT NULL REFERENCES stock_snapshot (id),
  package_id  bigint  NOT NULL REFERENCES package (id),
  batch       text,
  expiry      date,
  quantity    numeric NOT NULL CHECK (quantity >= 0),   -- in packages
  stock_level smallint NOT NULL DEFAULT 1 CHECK (stock_level BETWEEN 1 AND 4)  -- SOU 2021:19 levels
);
-- One composite index serves both "lines of a snapshot" and "package X in these snapshots" (national
-- picture: a probe per location's current snapshot). No index on package_id alone: no query reads
-- stock lines by package without their snapshot, packages are withdrawn and never deleted (so no
-- foreign-key check needs it), and it cost a third of PostgreSQL's work per ingested line.
CREATE INDEX stock_line_snapshot_package_idx ON stock_line (snapshot_id, package_id);

-- Sales or dispensing in packages over a period of period_days days starting on period_start.
-- location_id is null for region-level figures; age_band and sex are optional breakdowns.
CREATE TABLE sales (
  period_start date     NOT NULL,
  period_days  smallint NOT NULL CHECK (period_days IN (1, 7)),
  region_code  char(2)  NOT NULL REFERENCES region (code),
  location_id  bigint   REFERENCES location (id),
  package_id   bigint   NOT NULL REFERENCES package (id),
  quantity     numeric  NOT NULL CHECK (quantity >= 0),
  age_band     text,
  sex          char(1)  CHECK (sex IN ('F', 'M', 'X')),
  report_id    bigint   NOT NULL REFERENCES report (id)
);
CREATE INDEX sales_package_period_idx ON sales (package_id, period_start);
CREATE INDEX sales_region_period_idx ON sales (region_code, period_start);

-- Restanmälan ('shortage') and försäljningsuppehåll ('sales_stop') notices from companies (R4).
-- A correction is a new row that supersedes the earlier one.
CREATE TABLE shortage_notice (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text   NOT NULL CHECK (kind IN ('shortage', 'sales_stop')),
  package_id      bigint NOT NULL REFERENCES package (id),
  company_id      bigint NOT NULL REFERENCES organisation (id),
  notified_at     timestamptz NOT NULL,
  expected_start  date   NOT NULL,
  expected_end    date,
  reason          text,
  alternatives    text,
  supersedes_id   bigint REFERENCES shortage_notice (id),
  report_id       bigint REFERENCES report (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (expected_end IS NULL OR expected_end >= expected_start)
);
CREATE INDEX shortage_notice_package_idx ON shortage_notice (package_id);

-- Audit -------------------------------------------------------------------------------------------

CREATE TABLE audit_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  token_id        bigint REFERENCES api_token (id),
  organisation_id bigint REFERENCES organisation (id),
  action          text   NOT NULL,                  -- e.g. 'report.accepted', 'token.created'
  entity          text   NOT NULL,
  entity_id       text,
  detail          jsonb  NOT NULL DEFAULT '{}'::jsonb
);

CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER stock_line_append_only BEFORE UPDATE OR DELETE ON stock_line
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER shortage_notice_append_only BEFORE UPDATE OR DELETE ON shortage_notice
  FOR EACH ROW EXECUTE FUNCTION reject_change();
