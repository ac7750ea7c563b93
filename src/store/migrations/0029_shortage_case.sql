-- Shortage cases (issue 13 item 1; DOMAIN.md R3, R4): a shortage followed from signal to close, the
-- R4 checklist, Läkemedelsverket's designation of kritisk brist, remedies and consultations.
-- The history (shortage_case_event) is append-only; the case row holds the current state, checklist and
-- designation so that the picture and the board read them without replaying the history.

CREATE TABLE shortage_case (
  id                           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_kind                 text    NOT NULL CHECK (subject_kind IN ('package', 'group')),
  package_id                   bigint  REFERENCES package (id),
  group_key                    text,
  title                        text    NOT NULL,
  notice_id                    bigint  REFERENCES shortage_notice (id),
  state                        text    NOT NULL DEFAULT 'signal' CHECK (state IN
    ('signal', 'assessed', 'critical_shortage', 'measures', 'decision', 'follow_up', 'closed')),
  -- R4 checklist: each answer true, false or null (not assessed yet).
  life_threatening             boolean,
  irreversible_progressive     boolean,
  serious_public_health_harm   boolean,
  serious_animal_health_harm   boolean,
  no_relevant_alternative      boolean,
  checklist_note               text,
  -- Seen only by authorities, the joint function and the company whose package it is (docs/shortage-cases.md).
  confidential_note            text,
  -- The designation in force (Läkemedelsverket's): null when none.
  designated_on                date,
  designated_by_organisation_id bigint REFERENCES organisation (id),
  opened_at                    timestamptz NOT NULL DEFAULT now(),
  opened_by_organisation_id    bigint  NOT NULL REFERENCES organisation (id),
  opened_by_user_id            bigint  NOT NULL REFERENCES app_user (id),
  CHECK ((subject_kind = 'package' AND package_id IS NOT NULL AND group_key IS NULL)
      OR (subject_kind = 'group' AND group_key IS NOT NULL AND package_id IS NULL)),
  CHECK ((designated_on IS NULL) = (designated_by_organisation_id IS NULL))
);
CREATE INDEX shortage_case_package_idx ON shortage_case (package_id) WHERE package_id IS NOT NULL;
CREATE INDEX shortage_case_group_idx ON shortage_case (group_key) WHERE group_key IS NOT NULL;
CREATE INDEX shortage_case_designated_idx ON shortage_case (id) WHERE designated_on IS NOT NULL;

-- Every move, checklist change, designation and record, with who and why. Append-only.
CREATE TABLE shortage_case_event (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES shortage_case (id),
  kind            text   NOT NULL CHECK (kind IN
    ('opened', 'moved', 'checklist', 'designation', 'alternative', 'remedy', 'consultation')),
  from_state      text,
  to_state        text,
  outcome         text,
  reason          text,
  at              timestamptz NOT NULL DEFAULT now(),
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  user_id         bigint NOT NULL REFERENCES app_user (id)
);
CREATE INDEX shortage_case_event_case_idx ON shortage_case_event (case_id, id);
CREATE TRIGGER shortage_case_event_append_only BEFORE UPDATE OR DELETE ON shortage_case_event
  FOR EACH ROW EXECUTE FUNCTION reject_change();

-- R4 remedies chosen for the case, each with a note.
CREATE TABLE shortage_case_remedy (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES shortage_case (id),
  kind            text   NOT NULL CHECK (kind IN ('foreign_package_dispensation', 'licence', 'substitution',
    'extemporaneous_production', 'shorter_shelf_life_requirement', 'shelf_life_extension', 'cap_per_person',
    'veterinary_alternative')),
  note            text   NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  user_id         bigint NOT NULL REFERENCES app_user (id)
);
CREATE INDEX shortage_case_remedy_case_idx ON shortage_case_remedy (case_id);

-- R3: who was consulted, when, and what they said.
CREATE TABLE shortage_case_consultation (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES shortage_case (id),
  party           text   NOT NULL CHECK (party IN ('regions_nationellt_ct', 'nag_lok', 'professions',
    'veterinary_care', 'pharmacies', 'dose_pharmacies', 'company', 'other')),
  party_name      text   NOT NULL,
  consulted_on    date   NOT NULL,
  summary         text   NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  organisation_id bigint NOT NULL REFERENCES organisation (id),
  user_id         bigint NOT NULL REFERENCES app_user (id)
);
CREATE INDEX shortage_case_consultation_case_idx ON shortage_case_consultation (case_id);

-- The alternatives a case's assessment names are recorded where the picture's signal reads them,
-- with the case as their source.
ALTER TABLE recorded_alternative ADD COLUMN case_id bigint REFERENCES shortage_case (id);
CREATE INDEX recorded_alternative_case_idx ON recorded_alternative (case_id) WHERE case_id IS NOT NULL;
