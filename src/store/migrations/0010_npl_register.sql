-- Master data from its owners (issue 9): Läkemedelsverket's product register (NPL) and the imports that
-- bring it, with the history of every package. Plain SQL for PGlite and PostgreSQL (>= 15).

-- A foreign marketing authorisation holder (a licence product's French maker, say) has no Swedish
-- organisationsnummer; the NPL register names it only by its NPL organisation id.
ALTER TABLE organisation ALTER COLUMN org_number DROP NOT NULL;

-- Every import of a register: who sent what, as of which date, and what it changed. A refused import
-- is kept too, with its problems (nothing else of it is stored).
CREATE TABLE master_data_import (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  register        text   NOT NULL CHECK (register IN ('npl', 'prioritised_list', 'organisations', 'locations')),
  organisation_id bigint REFERENCES organisation (id),      -- null: the CLI operator
  token_id        bigint REFERENCES api_token (id),         -- null: the CLI operator
  source          text   NOT NULL,                          -- the file or directory as named by the sender
  content_sha256  text   NOT NULL,
  as_of           date   NOT NULL,                          -- the export's date (NPL) or valid-from (lists)
  mode            text,                                     -- NPL: 'total' (the whole register) or 'delta'
  status          text   NOT NULL CHECK (status IN ('accepted', 'rejected')),
  summary         jsonb  NOT NULL DEFAULT '{}'::jsonb,      -- counts: products, packages, added, changed …
  changes         jsonb  NOT NULL DEFAULT '{}'::jsonb,      -- lists: added, changed (with fields), withdrawn
  warnings        jsonb  NOT NULL DEFAULT '[]'::jsonb,      -- accepted but flagged, e.g. a lexicon entry missing
  problems        jsonb  NOT NULL DEFAULT '[]'::jsonb,      -- why a rejected import was refused (capped)
  problem_count   integer NOT NULL DEFAULT 0,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX master_data_import_register_idx ON master_data_import (register, received_at DESC);

-- NPL organisation ids (lexicon organization.xml) and the organisation each one is in beredskap.
CREATE TABLE npl_organisation (
  npl_org_id      text   PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  name            text                                       -- as the lexicon names it; null until it arrives
);
CREATE INDEX npl_organisation_org_idx ON npl_organisation (organisation_id);

-- The NPL codes behind the text, so that a lexicon that arrives later can name them.
ALTER TABLE medicine
  ADD COLUMN form_code       text,                           -- pharmaceutical-form-lx, e.g. 'FICOTA'
  ADD COLUMN substance_codes text,                           -- NSL substance ids of the active ingredients, ' + '-joined
  ADD COLUMN product_class   text;                           -- productclass-lx, e.g. 'LIC'

-- Marketing status from the register: a sales stop in NPL marks the package; a package missing from a
-- newer total export is 'withdrawn' (kept, never deleted: stock, sales and notices refer to it).
ALTER TABLE package
  ADD COLUMN market_status text NOT NULL DEFAULT 'marketed'
    CHECK (market_status IN ('marketed', 'sales_stopped', 'withdrawn'));

-- What a package was between two dates: one row per version, written when an import adds or changes
-- it. valid_from null: since before the register's history in beredskap began (the state an import
-- found); valid_to exclusive, null while current. A day d reads the row with
-- (valid_from IS NULL OR valid_from <= d) AND (valid_to IS NULL OR d < valid_to).
-- holder_id, seller_id and import_id have no foreign keys: organisations and imports are never
-- deleted, and the three checks took half of the time of writing 30,000 versions (docs/benchmarks.md).
CREATE TABLE package_version (
  package_id            bigint  NOT NULL REFERENCES package (id),
  valid_from            date,
  valid_to              date,
  import_id             bigint,                            -- master_data_import (id)
  npl_id                text    NOT NULL,
  name                  text    NOT NULL,
  atc_code              text    NOT NULL,
  substance             text    NOT NULL,
  form                  text    NOT NULL,
  strength              text    NOT NULL,
  species               text    NOT NULL,
  product_class         text,
  holder_id             bigint  NOT NULL,                  -- organisation (id): the marketing authorisation holder
  seller_id             bigint  NOT NULL,                  -- organisation (id): who sells the package
  nordic_article_number text,
  gtin                  text,
  pack_size             numeric NOT NULL,
  pack_unit             text    NOT NULL,
  description           text    NOT NULL,
  parallel_traded       boolean NOT NULL,
  licence               boolean NOT NULL,
  market_status         text    NOT NULL,
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_from < valid_to)
);
CREATE UNIQUE INDEX package_version_uq ON package_version (package_id, valid_from) NULLS NOT DISTINCT;
CREATE INDEX package_version_current_idx ON package_version (package_id) WHERE valid_to IS NULL;
