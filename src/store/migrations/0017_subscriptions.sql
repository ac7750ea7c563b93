-- Issue 10 item 5, "Tell me when it changes": a user's subscriptions (bevakningar) and the alerts
-- they produced (docs/alerts.md). An alert is recorded once per (subscription, event key): the
-- unique constraint, not a process's memory, is what keeps anyone from getting the same alert twice,
-- across restarts and across servers sharing one database.

CREATE TABLE subscription (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id           bigint NOT NULL REFERENCES app_user (id),
  -- The organisation the user subscribed for (the token's): what it may see bounds every alert.
  organisation_id   bigint NOT NULL REFERENCES organisation (id),
  kind              text   NOT NULL CHECK (kind IN ('critical', 'notice', 'overdue')),
  scope             text   NOT NULL CHECK (scope IN ('national', 'region', 'product', 'organisation')),
  region_code       char(2) REFERENCES region (code),           -- scope 'region'
  package_id        bigint REFERENCES package (id),              -- scope 'product'
  channel           text   NOT NULL CHECK (channel IN ('email', 'webhook', 'atom')),
  email             text,                                        -- channel 'email': the user's address
  webhook_url       text,                                        -- channel 'webhook'
  webhook_secret    text,                                        -- channel 'webhook': the HMAC-SHA256 key
  feed_token_sha256 text UNIQUE,                                 -- channel 'atom': SHA-256 of the feed's token
  created_at        timestamptz NOT NULL DEFAULT now(),
  removed_at        timestamptz,
  CHECK ((kind = 'critical' AND scope IN ('national', 'region'))
      OR (kind = 'notice' AND scope = 'product')
      OR (kind = 'overdue' AND scope = 'organisation')),
  CHECK ((scope = 'region') = (region_code IS NOT NULL)),
  CHECK ((scope = 'product') = (package_id IS NOT NULL)),
  CHECK ((channel = 'email') = (email IS NOT NULL)),
  CHECK ((channel = 'webhook') = (webhook_url IS NOT NULL AND webhook_secret IS NOT NULL)),
  CHECK ((channel = 'atom') = (feed_token_sha256 IS NOT NULL))
);
CREATE INDEX subscription_user_idx ON subscription (user_id) WHERE removed_at IS NULL;
CREATE INDEX subscription_kind_idx ON subscription (kind) WHERE removed_at IS NULL;

-- When a prioritised package became critical in an area (nationally 'SE' or a region) and, once it no
-- longer is, when that ended. "Becomes critical" is a new episode: one that is open is not news.
-- Kept in a logged table (the picture's own tables are unlogged and emptied by a crash).
CREATE TABLE alert_critical_episode (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  package_id  bigint NOT NULL REFERENCES package (id),
  area_code   text   NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz
);
CREATE UNIQUE INDEX alert_critical_episode_open_idx ON alert_critical_episode (package_id, area_code)
  WHERE ended_at IS NULL;

CREATE TABLE alert (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id  bigint NOT NULL REFERENCES subscription (id),
  -- What happened, e.g. 'critical:123:SE:7' (package, area, episode), 'notice:456' (a notice's
  -- version), 'overdue:89:2026-02-27' (a location and the day of its latest count).
  event_key        text   NOT NULL,
  title            text   NOT NULL,
  reason           text   NOT NULL,                -- why, in words, with the figures
  link             text   NOT NULL,                -- the dashboard's page, as a path (/products/123)
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- Delivery (e-mail and webhook; an Atom alert is delivered when recorded: the feed serves it).
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,                    -- null: nothing (more) to send
  delivered_at     timestamptz,
  failed_at        timestamptz,                    -- gave up after the last attempt
  last_error       text,
  UNIQUE (subscription_id, event_key)
);
CREATE INDEX alert_due_idx ON alert (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX alert_subscription_idx ON alert (subscription_id, created_at DESC);
