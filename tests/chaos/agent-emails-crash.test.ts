import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { chaosSeed, seededRandom } from "../engine-support/chaos";
import { createTestDatabase } from "../helpers/database";
import { type Product, resilientWorkspaceApi, seedWithCli, startProduct } from "../helpers/product";

// Issue 5, "100 concurrent runs whose tools send emails, with crashes injected: zero duplicate outbox emails".
// 100 support-agent runs, each scripted (offline_plan) to send EMAILS_PER_RUN emails through the `send_email`
// external_action tool, while the web server and the engine are `kill -9`ed at seeded random moments. At the end:
// every run succeeded, the outbox holds exactly one email per (run, recipient), and the ledger shows each
// send_email performed once.

const RUNS = 100;
const RECIPIENTS = ["alice@example.test", "bob@example.test"];
const MIN_KILLS = 10;

let product: Product;
let pool: pg.Pool;
let token: string;
let databaseUrl: string;
const ws = "chaos-emails";

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "agent_emails_chaos");
  pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  token = (await seedWithCli(databaseUrl, { email: "emails-chaos@example.test", workspace: ws })).token;
  // 100 runs × 3 model turns: lift the plan so that the test measures crashes, not quota_exceeded.
  await pool.query("UPDATE workspaces SET plan_monthly_tokens = 1000000000000 WHERE slug = $1", [ws]);
  await pool.query(
    "UPDATE quota_periods SET token_limit = 1000000000000 WHERE workspace_id = (SELECT id FROM workspaces WHERE slug = $1)",
    [ws],
  );
  product = await startProduct({ databaseUrl, env: { HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "5" } });
});

afterAll(async () => {
  await product?.stop();
  await pool?.end();
});

/** An API call that survives the web server being down: retried (same Idempotency-Key) until it answers. */
const api = (path: string, init?: RequestInit) => resilientWorkspaceApi(product, { workspace: ws, token })(path, init);

const PLAN = [
  ...RECIPIENTS.map(
    (to, i) =>
      `${i + 1}. send_email {"to": "${to}", "subject": "Status", "body": "Hello ${to}, your requests are in hand."}`,
  ),
  `final: Sent ${RECIPIENTS.length} emails.`,
].join("\n");

test("100 concurrent emailing runs under kill -9 of the web server and the engine: zero duplicate emails", async () => {
  const seed = chaosSeed();
  console.log(`[chaos] agent emails crash seed=${seed} (rerun with ENGINE_CHAOS_SEED=${seed})`);
  const random = seededRandom(seed);
  const started = Date.now();

  const runIds = await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const response = await api("/runs", {
        method: "POST",
        headers: { "Idempotency-Key": `emails-run-${seed}-${i}` },
        body: JSON.stringify({
          agent: "support",
          goal: `status emails, batch ${i}`,
          constraints: { require_approval: [] },
          offline_plan: PLAN,
        }),
      });
      const body = (await response.json()) as { run?: { id: string } };
      expect(response.status, JSON.stringify(body)).toBe(202);
      return body.run?.id as string;
    }),
  );

  const active = async () => {
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM agent_runs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running', 'waiting_approval')",
      [runIds],
    );
    return rows[0].n as number;
  };

  // Kills at seeded random moments while runs are in flight; at least MIN_KILLS, more while work remains.
  const kills = { web: 0, engine: 0 };
  const deadline = Date.now() + 150_000;
  for (;;) {
    const left = await active();
    const total = kills.web + kills.engine;
    if (left === 0) break;
    if (Date.now() > deadline) throw new Error(`${left} runs still active after the deadline (kills ${total})`);
    if (total < MIN_KILLS + 4) {
      await delay(200 + Math.floor(random() * 1_200));
      if (random() < 0.5) {
        await product.crashAndRestartApp();
        kills.web++;
      } else {
        await product.crashAndRestartEngine();
        kills.engine++;
      }
    } else {
      await delay(250);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `[chaos] ${RUNS} runs done in ${seconds.toFixed(1)} s with ${kills.web} web + ${kills.engine} engine kills`,
  );
  // The kills must have landed while work was in flight to count: at least MIN_KILLS before the last run ended.
  expect(kills.web + kills.engine).toBeGreaterThanOrEqual(MIN_KILLS);

  const { rows: statuses } = await pool.query(
    "SELECT status::text, count(*)::int AS n FROM agent_runs WHERE id = ANY($1::uuid[]) GROUP BY 1",
    [runIds],
  );
  const { rows: unfinished } = await pool.query(
    "SELECT id, status::text, error_type, error_code, error_message FROM agent_runs WHERE id = ANY($1::uuid[]) AND status <> 'succeeded'",
    [runIds],
  );
  expect(statuses, `runs that did not succeed: ${JSON.stringify(unfinished)}`).toEqual([
    { status: "succeeded", n: RUNS },
  ]);

  // Zero duplicates: one outbox email per (run, recipient), and exactly the expected ones.
  const { rows: duplicates } = await pool.query(
    `SELECT run_id, "to", count(*)::int AS n FROM outbox_emails WHERE run_id = ANY($1::uuid[])
     GROUP BY run_id, "to" HAVING count(*) > 1`,
    [runIds],
  );
  expect(duplicates).toEqual([]);
  const { rows: emails } = await pool.query(
    `SELECT count(*)::int AS n, count(DISTINCT (run_id, "to"))::int AS pairs, count(DISTINCT side_effect_id)::int AS effects
     FROM outbox_emails WHERE run_id = ANY($1::uuid[])`,
    [runIds],
  );
  const expected = RUNS * RECIPIENTS.length;
  expect(emails[0]).toEqual({ n: expected, pairs: expected, effects: expected });

  // The ledger: each send_email performed once (one row per call, whatever the retries), pointing at its email.
  const { rows: ledger } = await pool.query(
    `SELECT s.status::text, count(*)::int AS n, count(o.id)::int AS with_email
     FROM side_effects s LEFT JOIN outbox_emails o ON o.side_effect_id = s.id
     WHERE s.run_id = ANY($1::uuid[]) AND s.tool = 'send_email' GROUP BY 1`,
    [runIds],
  );
  expect(ledger).toEqual([{ status: "performed", n: expected, with_email: expected }]);

  // Every run's tool steps: exactly one succeeded send_email step per recipient.
  const { rows: steps } = await pool.query(
    `SELECT count(*)::int AS n FROM agent_steps WHERE run_id = ANY($1::uuid[]) AND kind = 'tool'
     AND tool_chosen = 'send_email' AND status = 'succeeded'`,
    [runIds],
  );
  expect(steps[0].n).toBe(expected);
}, 240_000);
