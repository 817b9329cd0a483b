import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { chaosSeed, seededRandom } from "../engine-support/chaos";
import { createTestDatabase } from "../helpers/database";
import { type Product, resilientWorkspaceApi, seedWithCli, startProduct } from "../helpers/product";

// The seed scenario of issue 5 while the engine and the web server are `kill -9`ed at random points: the
// operations agent checks the disk, asks for approval, is approved, cleans, verifies — the run completes, and the
// ledger shows exactly one clean-up and one approval request.

let product: Product;
let pool: pg.Pool;
let token: string;
let databaseUrl: string;
const ws = "chaos-runs";

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "agent_runs_chaos");
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  token = (await seedWithCli(databaseUrl, { email: "runs-chaos@example.test", workspace: ws })).token;
  // Slow model output so that kills land inside model turns too.
  product = await startProduct({ databaseUrl, env: { HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "30" } });
});

afterAll(async () => {
  await product?.stop();
  await pool?.end();
});

/** An API call that survives the web server being down: retried (same Idempotency-Key) until it answers. */
const api = (path: string, init?: RequestInit) => resilientWorkspaceApi(product, { workspace: ws, token })(path, init);

async function runStatus(runId: string): Promise<string> {
  const { rows } = await pool.query("SELECT status::text FROM agent_runs WHERE id = $1", [runId]);
  return rows[0]?.status;
}

test("the seed scenario survives kill -9 of the engine and the web server", async () => {
  const seed = chaosSeed();
  console.log(`[chaos] agent runs crash seed=${seed} (rerun with ENGINE_CHAOS_SEED=${seed})`);
  const random = seededRandom(seed);

  for (let round = 0; round < 2; round++) {
    await pool.query("UPDATE sim_log_files SET deleted_at = NULL");
    await pool.query("UPDATE sim_servers SET used_bytes = disk_bytes * 86 / 100");
    const created = await api("/runs", {
      method: "POST",
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({
        agent: "operations",
        goal: "app-1 is filling up",
        constraints: { require_approval: ["write_local"] },
      }),
    });
    expect(created.status).toBe(202);
    const runId = ((await created.json()) as { run: { id: string } }).run.id;
    const approveKey = crypto.randomUUID();
    let approved = false;
    let kills = 0;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const status = await runStatus(runId);
      if (["succeeded", "failed", "canceled", "timed_out"].includes(status)) break;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${status}`);
      if (status === "waiting_approval" && !approved) {
        const { rows } = await pool.query("SELECT id FROM agent_approvals WHERE run_id = $1 AND status = 'pending'", [
          runId,
        ]);
        if (rows[0]) {
          const response = await api(`/runs/${runId}/approvals/${rows[0].id}`, {
            method: "POST",
            headers: { "Idempotency-Key": approveKey },
            body: JSON.stringify({ decision: "approve", note: "chaos" }),
          });
          expect([200, 409]).toContain(response.status);
          approved = true;
        }
      }
      if (kills < 6) {
        await delay(Math.floor(random() * 400));
        const victim = random();
        if (victim < 0.4) await product.crashAndRestartApp();
        else if (victim < 0.8) await product.crashAndRestartEngine();
        kills++;
      } else {
        await delay(100);
      }
    }

    const { rows: runs } = await pool.query("SELECT status::text, result, error_code FROM agent_runs WHERE id = $1", [
      runId,
    ]);
    expect(runs[0], JSON.stringify(runs[0])).toMatchObject({ status: "succeeded" });
    expect(runs[0].result).toContain("73%");
    const { rows: cleanups } = await pool.query(
      "SELECT status::text FROM side_effects WHERE run_id = $1 AND tool = 'clean_logs'",
      [runId],
    );
    expect(cleanups).toEqual([{ status: "performed" }]);
    const { rows: approvals } = await pool.query("SELECT status::text FROM agent_approvals WHERE run_id = $1", [runId]);
    expect(approvals).toEqual([{ status: "approved" }]);
    const { rows: steps } = await pool.query(
      "SELECT kind || ':' || coalesce(tool_chosen, '-') AS step FROM agent_steps WHERE run_id = $1 ORDER BY number",
      [runId],
    );
    expect(steps.map((row) => row.step)).toEqual([
      "model:check_disk",
      "tool:check_disk",
      "model:clean_logs",
      "tool:clean_logs",
      "model:check_disk",
      "tool:check_disk",
      "model:-",
    ]);
  }
}, 400_000);
