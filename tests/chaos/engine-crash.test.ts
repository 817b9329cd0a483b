import { afterEach, describe, expect, it } from "vitest";
import { chaosSeed, runCrashExperiment } from "../engine-support/chaos.ts";
import { type Stack, startStack } from "../engine-support/stack.ts";

// Crash tests with real processes: the engine and, separately, the function-serving app are killed with
// SIGKILL at seeded random moments while many 30-step runs execute. Override the seed with ENGINE_CHAOS_SEED.

const KILLS = Number(process.env.ENGINE_CHAOS_KILLS ?? 20);
// Short leases so a dead engine's work is picked up quickly by its successor.
const ENGINE_ENV = { HOLDFAST_ENGINE_LEASE_MS: "1500" };

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("crash safety", () => {
  for (const target of ["engine", "fixture"] as const) {
    it(`survives ${KILLS} kill -9 of the ${target === "engine" ? "engine" : "web server"}`, async () => {
      const seed = chaosSeed();
      console.log(`[chaos] target=${target} seed=${seed} (rerun with ENGINE_CHAOS_SEED=${seed})`);
      stack = await startStack(`engine_chaos_${target}`, ENGINE_ENV);
      const report = await runCrashExperiment(stack, { target, kills: KILLS, seed });
      console.log(`[chaos] ${JSON.stringify(report)}`);
      expect(report.kills).toBeGreaterThanOrEqual(20);
      expect(report.notCompleted).toBe(0);
      expect(report.wrongOutputs).toBe(0);
      // No body ever began after its result was memoized (acknowledged).
      expect(report.afterAck).toBe(0);
      // Every memoized result came from a body that ran to its end.
      expect(report.memoizedWithoutExecution).toBe(0);
      // Killing the web server interrupts bodies mid-way; they were retried (at-least-once).
      if (target === "fixture") expect(report.interrupted).toBeGreaterThan(0);
    }, 300_000);
  }
});
