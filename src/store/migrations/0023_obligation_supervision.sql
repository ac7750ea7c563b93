-- Issue 12 items 3 (dispensations), 4 (supervision) and 5 (compensation), R1; docs/obligations.md.
-- The published obligations themselves are migration 0021's (obligation_decision …); nothing here
-- refers to them, so the two can be applied in either order.

-- A company's application for a dispensation from one package of a year's obligation, and
-- Läkemedelsverket's decision on it (one decision per application; a new request is a new application).
CREATE TABLE dispensation (
  id                      bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id              bigint  NOT NULL REFERENCES organisation (id),
  package_id              bigint  NOT NULL REFERENCES package (id),
  year                    integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
  requested_volume        integer NOT NULL CHECK (requested_volume >= 0),
  -- The published obligation when the company applied (what it asked to be relieved from).
  published_volume        integer NOT NULL CHECK (published_volume > requested_volume),
  reason                  text    NOT NULL,
  applied_at              timestamptz NOT NULL DEFAULT now(),
  applied_by_user_id      bigint  NOT NULL REFERENCES app_user (id),
  status                  text    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'denied')),
  volume                  integer CHECK (volume >= 0),           -- granted: the volume in force while valid
  valid_from              date,
  valid_to                date,
  decision_reason         text,
  decided_at              timestamptz,
  decided_by_user_id      bigint  REFERENCES app_user (id),
  decided_by_organisation_id bigint REFERENCES organisation (id),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((status = 'pending') = (decision_reason IS NULL)),
  CHECK ((status = 'granted') = (volume IS NOT NULL AND valid_from IS NOT NULL AND valid_to IS NOT NULL)),
  CHECK (valid_to >= valid_from)
);
CREATE INDEX dispensation_company_idx ON dispensation (company_id, year);
CREATE INDEX dispensation_granted_idx ON dispensation (package_id, valid_from, valid_to) WHERE status = 'granted';

-- The supervision's daily record: per day, company and package on an obligation, the obligation in
-- force, the stock the company owned in Sweden, the status and, when below, since when. Written after
-- each refresh of the picture (the server's maintainer) and on the first read of a day.
CREATE TABLE supervision_day (
  day               date    NOT NULL,
  company_id        bigint  NOT NULL REFERENCES organisation (id),
  package_id        bigint  NOT NULL REFERENCES package (id),
  published_volume  integer NOT NULL,
  volume            integer NOT NULL,
  dispensation_id   bigint  REFERENCES dispensation (id),
  stock             bigint  NOT NULL,
  status            text    NOT NULL CHECK (status IN ('compliant', 'under_dispensation', 'below')),
  shortfall         integer NOT NULL CHECK (shortfall >= 0),
  below_since       date,
  computed_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, company_id, package_id),
  CHECK ((status = 'below') = (below_since IS NOT NULL))
);
CREATE INDEX supervision_day_package_idx ON supervision_day (company_id, package_id, day);
CREATE INDEX supervision_day_below_idx ON supervision_day (day) WHERE status = 'below';

-- Versions of the compensation model (src/domain/compensation.ts). Versions are only added, never
-- changed: an application keeps the version it was computed with.
CREATE TABLE compensation_model (
  version                     integer PRIMARY KEY CHECK (version >= 1),
  valid_from                  date    NOT NULL,
  reference_rate_percent      numeric NOT NULL,
  margin_percentage_points    numeric NOT NULL,
  storage_sek_per_unit_month  numeric NOT NULL,
  note                        text    NOT NULL,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  created_by_user_id          bigint  REFERENCES app_user (id)
);
-- Version 1, our defaults (docs/obligations.md): reference rate 2 %, margin 2 percentage points (the
-- Finnish "+2 percentage points" issue 12 cites), storage 0.50 SEK per pack and month.
INSERT INTO compensation_model (version, valid_from, reference_rate_percent, margin_percentage_points,
                                storage_sek_per_unit_month, note)
VALUES (1, '2026-01-01', 2, 2, 0.5,
        'Kapitalkostnad: referensränta + 2 procentenheter (som i Finland) på värdet av skyldighetslagret '
        || '(volym × AIP), plus lagerkostnad per förpackning och månad.');

CREATE TRIGGER compensation_model_append_only BEFORE UPDATE OR DELETE ON compensation_model
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- A company's application to TLV for a year, with the amount computed when it applied (its model
-- version and lines kept as computed), and TLV's decision.
CREATE TABLE compensation_application (
  id                      bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id              bigint  NOT NULL REFERENCES organisation (id),
  year                    integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
  applied_at              timestamptz NOT NULL DEFAULT now(),
  applied_by_user_id      bigint  NOT NULL REFERENCES app_user (id),
  note                    text,
  model_version           integer NOT NULL REFERENCES compensation_model (version),
  capital_cost_sek        bigint  NOT NULL,
  storage_cost_sek        bigint  NOT NULL,
  computed_sek            bigint  NOT NULL CHECK (computed_sek = capital_cost_sek + storage_cost_sek),
  lines                   jsonb   NOT NULL,
  status                  text    NOT NULL DEFAULT 'pending'
                                  CHECK (status IN ('pending', 'approved', 'adjusted', 'denied')),
  decided_sek             bigint  CHECK (decided_sek >= 0),
  decision_reason         text,
  decided_at              timestamptz,
  decided_by_user_id      bigint  REFERENCES app_user (id),
  decided_by_organisation_id bigint REFERENCES organisation (id),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((status = 'pending') = (decided_sek IS NULL))
);
-- One live application per company and year: a denied one may be followed by a new one.
CREATE UNIQUE INDEX compensation_application_live_idx ON compensation_application (company_id, year)
  WHERE status <> 'denied';
