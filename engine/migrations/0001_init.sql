-- Holdfast engine schema. Every durable fact of a run lives here; nothing is kept only in memory.
-- JSON payloads are stored as `json` (verbatim text, RFC 8785 canonical) so request bodies can be assembled
-- and signed without re-parsing them.

CREATE TABLE engine.apps (
  id text PRIMARY KEY,
  url text NOT NULL,
  sdk text,
  synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE engine.functions (
  id text PRIMARY KEY,
  app_id text NOT NULL REFERENCES engine.apps (id) ON DELETE CASCADE,
  name text NOT NULL,
  url text NOT NULL,
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE engine.events (
  id text PRIMARY KEY,
  name text NOT NULL,
  payload json NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_name_received_idx ON engine.events (name, received_at);

-- Dedup window for event ids (24 h); a key past `expires_at` may be reused.
CREATE TABLE engine.event_keys (
  key text PRIMARY KEY,
  event_id text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE engine.runs (
  id text PRIMARY KEY,
  function_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  event_id text,
  event json NOT NULL,
  output json,
  error json,
  max_attempts integer NOT NULL,
  concurrency_keys text[] NOT NULL DEFAULT '{}',
  concurrency_limits integer[] NOT NULL DEFAULT '{}',
  disable_immediate boolean NOT NULL DEFAULT false,
  parent_run_id text,
  parent_step_id text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at timestamptz,
  ended_at timestamptz
);
CREATE INDEX runs_created_idx ON engine.runs (created_at DESC, id DESC);
CREATE INDEX runs_status_created_idx ON engine.runs (status, created_at DESC, id DESC);
CREATE INDEX runs_function_idx ON engine.runs (function_id, created_at DESC);

-- Memoized step results, `result` is the exact `{"data":…}` / `{"error":…}` object sent back to the SDK.
-- A row is never updated: the first acknowledged result wins.
CREATE TABLE engine.steps (
  run_id text NOT NULL,
  step_id text NOT NULL,
  seq bigserial NOT NULL,
  name text,
  op text NOT NULL,
  result json NOT NULL,
  attempt integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, step_id)
);

-- Work items. kind: call (discovery, step_id = 'step'), step (one planned step), sleep, wait (timeout of a
-- wait), invoke (timeout of an invoke), timeout (run finish timeout). One item per (run, step_id).
CREATE TABLE engine.queue (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  function_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('call', 'step', 'sleep', 'wait', 'invoke', 'timeout')),
  step_id text NOT NULL,
  attempt integer NOT NULL DEFAULT 0,
  -- Consecutive calls that got no HTTP answer (app down): retried with backoff without spending attempts.
  unreachable integer NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_gen integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_expires_at timestamptz,
  started_at timestamptz,
  concurrency_keys text[] NOT NULL DEFAULT '{}',
  concurrency_limits integer[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (run_id, step_id)
);
CREATE INDEX queue_due_idx ON engine.queue (run_at);
CREATE INDEX queue_leased_idx ON engine.queue (lease_expires_at) WHERE lease_owner IS NOT NULL;

-- Open waits (waitForEvent) and cancellation listeners (cancelOn), matched against every incoming event.
CREATE TABLE engine.waits (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  step_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('wait', 'cancel')),
  event_name text NOT NULL,
  expression text,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (run_id, step_id)
);
CREATE INDEX waits_event_idx ON engine.waits (event_name);

CREATE TABLE engine.idempotency (
  function_id text NOT NULL,
  key text NOT NULL,
  run_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, key)
);

CREATE TABLE engine.crons (
  function_id text NOT NULL,
  expression text NOT NULL,
  next_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, expression)
);

-- One row per HTTP call to the SDK, for the operator view.
CREATE TABLE engine.attempts (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  step_id text NOT NULL,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  status_code integer,
  outcome text NOT NULL,
  error json
);
CREATE INDEX attempts_run_idx ON engine.attempts (run_id, id);

-- Internal events (inngest/function.failed) written in the run's transaction, ingested afterwards.
CREATE TABLE engine.outbox (
  id bigserial PRIMARY KEY,
  payload json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
