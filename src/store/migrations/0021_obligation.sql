-- Issue 12 items 1–3 (R1, docs/obligations.md): the stockpiling obligation of companies, computed,
-- revised and published. Plain SQL for PGlite and PostgreSQL (>= 15).
--
-- A calculation is one computation of a year's obligations with its parameters: it is never changed
-- (a what-if is another calculation of the same year). Its lines say, per company and package, the
-- stored and dated basis (the company's sales in the basis period, one source per sale) and the
-- volume. A revision (sales have risen or fallen by at least the threshold) is kept with its own
-- rolling basis. Läkemedelsverket publishes a company's obligations as a versioned decision.

CREATE TABLE obligation_calculation (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  year               integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  months             numeric NOT NULL CHECK (months > 0 AND months <= 24),   -- R1: 3 (SOU 2021:19: 6)
  revision_threshold numeric NOT NULL CHECK (revision_threshold > 0 AND revision_threshold < 10), -- R1: 0.25
  cutoff             date    NOT NULL,   -- volumes are fixed from the 12 months before this day
  basis_from         date    NOT NULL,   -- first day of the basis period
  basis_to           date    NOT NULL,   -- last day of the basis period (cutoff - 1)
  list_id            bigint  REFERENCES product_list (id),  -- the prioritised list in force on the cut-off
  label              text,               -- e.g. 'SOU 2021:19: 6 månader'
  computed_at        timestamptz NOT NULL DEFAULT now(),
  computed_by_org    bigint  REFERENCES organisation (id),
  computed_by_user   bigint  REFERENCES app_user (id),
  CHECK (basis_from <= basis_to AND basis_to < cutoff)
);
CREATE INDEX obligation_calculation_year_idx ON obligation_calculation (year, computed_at DESC);

-- One company x package of a calculation. A package that changed seller during the basis period has a
-- line per company that sold it (each with the sales of its own days, package_version's history).
CREATE TABLE obligation_line (
  calculation_id bigint  NOT NULL REFERENCES obligation_calculation (id),
  company_id     bigint  NOT NULL REFERENCES organisation (id),
  package_id     bigint  NOT NULL REFERENCES package (id),
  basis_units    numeric NOT NULL CHECK (basis_units >= 0),   -- packages sold in the basis period
  volume         integer NOT NULL CHECK (volume >= 0),        -- packages to hold; 0 when exempt
  exempt_reason  text    CHECK (exempt_reason IN ('parallel_traded', 'licence')),
  seller_on_cutoff boolean NOT NULL,                          -- the company sold it on the cut-off day
  price_sek      numeric(12, 2),                              -- AIP per package when computed (value = price x volume)
  PRIMARY KEY (calculation_id, company_id, package_id),
  CHECK (exempt_reason IS NULL OR volume = 0)
);
CREATE INDEX obligation_line_company_idx ON obligation_line (company_id, calculation_id);

-- A revision of a line (R1: rolling 12-month sales rose or fell by at least the threshold against the
-- basis used), with its own basis: the rolling 12 months before revised_on.
CREATE TABLE obligation_revision (
  id             bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  calculation_id bigint  NOT NULL,
  company_id     bigint  NOT NULL,
  package_id     bigint  NOT NULL,
  revised_on     date    NOT NULL,          -- in force from this day
  rolling_from   date    NOT NULL,
  rolling_to     date    NOT NULL,          -- revised_on - 1
  previous_basis numeric NOT NULL,          -- the basis it was measured against (the line's or the last revision's)
  rolling_basis  numeric NOT NULL CHECK (rolling_basis >= 0),
  previous_volume integer NOT NULL,
  new_volume     integer NOT NULL CHECK (new_volume >= 0),
  computed_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (calculation_id, company_id, package_id)
    REFERENCES obligation_line (calculation_id, company_id, package_id),
  UNIQUE (calculation_id, company_id, package_id, revised_on)
);

-- Item 3: Läkemedelsverket's decision on a company's obligations for a year. Version 1 publishes a
-- calculation; a revision publishes a new version. The one in force on a day is the latest version
-- whose valid_from is on or before it (publishedObligations, src/store/obligation.repository.ts).
CREATE TABLE obligation_decision (
  id             bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  year           integer NOT NULL,
  company_id     bigint  NOT NULL REFERENCES organisation (id),
  version        integer NOT NULL CHECK (version >= 1),
  calculation_id bigint  NOT NULL REFERENCES obligation_calculation (id),
  valid_from     date    NOT NULL,
  decided_by_user bigint REFERENCES app_user (id),
  decided_by_org bigint  NOT NULL REFERENCES organisation (id),
  decided_at     timestamptz NOT NULL DEFAULT now(),
  reason         text    NOT NULL CHECK (length(reason) > 0),
  UNIQUE (year, company_id, version)
);
CREATE INDEX obligation_decision_year_idx ON obligation_decision (year, valid_from);

CREATE TABLE obligation_decision_line (
  decision_id    bigint  NOT NULL REFERENCES obligation_decision (id),
  package_id     bigint  NOT NULL REFERENCES package (id),
  volume         integer NOT NULL CHECK (volume >= 0),
  basis_units    numeric NOT NULL CHECK (basis_units >= 0),
  basis_from     date    NOT NULL,           -- the basis the volume was computed from
  basis_to       date    NOT NULL,
  exempt_reason  text    CHECK (exempt_reason IN ('parallel_traded', 'licence')),
  revision_id    bigint  REFERENCES obligation_revision (id),   -- set when the volume is a revision's
  PRIMARY KEY (decision_id, package_id)
);

-- Published decisions are records: never changed, never deleted (a new version supersedes).
CREATE TRIGGER obligation_decision_append_only BEFORE UPDATE OR DELETE ON obligation_decision
  FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER obligation_decision_line_append_only BEFORE UPDATE OR DELETE ON obligation_decision_line
  FOR EACH ROW EXECUTE FUNCTION reject_change();
