-- Issue 12 items 6, 7 (R2, seed 003): the state–SKR agreements on medicine supply preparedness, each
-- region's share of them, and the funds the regions record as used (docs/obligations.md "Items 6, 7").
-- The regional one-month target (item 6) is computed from stock and the picture's demand and needs no
-- table of its own.

-- The agreements, as seed 003 (SKR's board decision of 15 December 2023 with the 2024 agreement)
-- gives them. Amounts in whole kronor. A null is a fact the seed does not give (documented).
CREATE TABLE fund_agreement (
  code             text    PRIMARY KEY,                 -- '2022', '2023', '2024'
  name             text    NOT NULL,
  total_sek        bigint  NOT NULL CHECK (total_sek > 0),
  regions_sek      bigint  NOT NULL CHECK (regions_sek > 0),
  skr_sek          bigint  CHECK (skr_sek >= 0),         -- null: not given in seed 003
  population_date  date    NOT NULL,                     -- the population the regions' shares follow
  requisition_by   date,                                 -- null: not given in seed 003
  usable_from      date    NOT NULL,
  usable_to        date    NOT NULL,
  repay_by         date    NOT NULL,
  source           text    NOT NULL,                     -- where each figure comes from (Swedish: shown)
  CHECK (regions_sek + coalesce(skr_sek, 0) = total_sek),
  CHECK (usable_from <= usable_to AND usable_to < repay_by)
);

INSERT INTO fund_agreement
  (code, name, total_sek, regions_sek, skr_sek, population_date, requisition_by, usable_from, usable_to,
   repay_by, source)
VALUES
  ('2022', 'Tilläggsöverenskommelse om försörjningsberedskap för läkemedel 2022',
   500000000, 500000000, NULL, '2023-08-31', NULL, '2022-01-01', '2024-12-31', '2025-03-31',
   'Källa: SKR:s meddelande med överenskommelsen 2024 (avsnitt 1.1 och 5): 500 miljoner kronor; kvarstående '
   'medel avser 2022–2024; medel som inte använts återbetalas till Kammarkollegiet senast 31 mars 2025. '
   'SKR:s andel, sista dag för rekvisition och fördelningsnyckel anges inte (vårt val: allt till regionerna '
   'efter befolkningsandel, med den befolkning systemet har).'),
  ('2023', 'Tilläggsöverenskommelse om försörjningsberedskap för läkemedel 2023',
   400000000, 400000000, NULL, '2023-08-31', NULL, '2023-01-01', '2025-12-31', '2026-03-31',
   'Källa: SKR:s meddelande med överenskommelsen 2024 (avsnitt 1.1 och 5): 400 miljoner kronor; kvarstående '
   'medel avser 2023–2025; medel som inte använts återbetalas till Kammarkollegiet senast 31 mars 2026. '
   'SKR:s andel, sista dag för rekvisition och fördelningsnyckel anges inte (vårt val: allt till regionerna '
   'efter befolkningsandel, med den befolkning systemet har).'),
  ('2024', 'Överenskommelse om försörjningsberedskap för läkemedel 2024',
   102000000, 100000000, 2000000, '2023-08-31', '2024-12-01', '2024-01-01', '2025-12-31', '2026-03-31',
   'Källa: överenskommelsen 2024 (avsnitt 3 och 5): 100 miljoner kronor till regionerna efter '
   'befolkningsandel (befolkningsunderlaget i augusti 2023), 2 miljoner kronor till SKR, totalt 102 miljoner '
   'kronor; rekvisition till Kammarkollegiet senast 1 december 2024; medlen får användas 2024 och 2025; '
   'medel som inte använts återbetalas senast 31 mars 2026.');

-- Each region's share of an agreement, fixed once (largest remainder, src/domain/funds.ts) with the
-- population it was computed from: a later population never changes a past allocation.
CREATE TABLE fund_allocation (
  agreement_code   text    NOT NULL REFERENCES fund_agreement (code),
  region_code      char(2) NOT NULL REFERENCES region (code),
  population       integer NOT NULL CHECK (population >= 0),
  population_date  date    NOT NULL,
  amount_sek       bigint  NOT NULL CHECK (amount_sek >= 0),
  allocated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agreement_code, region_code)
);

-- What a region records as used of an agreement's funds (amount, day, purpose), and who recorded it.
CREATE TABLE fund_use (
  id               bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agreement_code   text    NOT NULL REFERENCES fund_agreement (code),
  region_code      char(2) NOT NULL REFERENCES region (code),
  amount_sek       bigint  NOT NULL CHECK (amount_sek > 0),
  used_on          date    NOT NULL,
  purpose          text    NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
  organisation_id  bigint  NOT NULL REFERENCES organisation (id),
  token_id         bigint  REFERENCES api_token (id),
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fund_use_region_idx ON fund_use (region_code, agreement_code);
