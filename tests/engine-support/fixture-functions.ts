import { setTimeout as delay } from "node:timers/promises";
import { type Inngest, NonRetriableError, RetryAfterError } from "inngest";
import type pg from "pg";

// Test functions served by the fixture server. Step bodies record every execution (start/end with an
// execution id) in `fixture_exec`, so tests can count how often a body ran and whether it was interrupted.

export type Recorder = (row: {
  runId: string;
  fn: string;
  step: string;
  execId: string;
  phase: string;
  attempt: number;
  info?: unknown;
}) => Promise<void>;

export function createRecorder(pool: pg.Pool): Recorder {
  return async (row) => {
    await pool.query(
      "INSERT INTO fixture_exec (run_id, fn, step, exec_id, phase, attempt, info) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      [
        row.runId,
        row.fn,
        row.step,
        row.execId,
        row.phase,
        row.attempt,
        row.info === undefined ? null : JSON.stringify(row.info),
      ],
    );
  };
}

let counter = 0;
const execId = () => `${process.pid}-${Date.now()}-${++counter}`;

/** A step body that records its start and end around `work`. */
function recorded<T>(
  record: Recorder,
  runId: string,
  fn: string,
  step: string,
  attempt: number,
  work: () => Promise<T>,
) {
  return async () => {
    const id = execId();
    await record({ runId, fn, step, execId: id, phase: "start", attempt });
    const value = await work();
    await record({ runId, fn, step, execId: id, phase: "end", attempt, info: value });
    return value;
  };
}

export function mainFunctions(inngest: Inngest.Any, record: Recorder) {
  const linear = inngest.createFunction(
    { id: "linear", triggers: [{ event: "test/linear" }], retries: 3 },
    async ({ event, step, runId, attempt }) => {
      const count = Number(event.data.steps ?? 3);
      let total = 0;
      for (let i = 0; i < count; i++) {
        total += await step.run(
          `s${i}`,
          recorded(record, runId, "linear", `s${i}`, attempt, async () => i + 1),
        );
      }
      return { total };
    },
  );

  const thirty = inngest.createFunction(
    { id: "thirty", triggers: [{ event: "test/thirty" }], retries: 20 },
    async ({ event, step, runId, attempt }) => {
      const outputs: string[] = [];
      for (let i = 0; i < 30; i++) {
        outputs.push(
          await step.run(
            `step-${i}`,
            recorded(record, runId, "thirty", `step-${i}`, attempt, async () => {
              await delay(5 + ((i * 7 + Number(event.data.n ?? 0)) % 20));
              return `${event.data.n}:${i}`;
            }),
          ),
        );
      }
      return { n: event.data.n, outputs };
    },
  );

  const parallel = inngest.createFunction(
    { id: "parallel", triggers: [{ event: "test/parallel" }] },
    async ({ step, runId, attempt }) => {
      const [a, b, c] = await Promise.all(
        ["a", "b", "c"].map((name, i) =>
          step.run(
            name,
            recorded(record, runId, "parallel", name, attempt, async () => (i + 1) * 10),
          ),
        ),
      );
      const d = await step.run(
        "d",
        recorded(record, runId, "parallel", "d", attempt, async () => (a ?? 0) + (b ?? 0) + (c ?? 0)),
      );
      return { a, b, c, d };
    },
  );

  const sleeper = inngest.createFunction(
    { id: "sleeper", triggers: [{ event: "test/sleep" }] },
    async ({ event, step, runId, attempt }) => {
      const before = await step.run(
        "before",
        recorded(record, runId, "sleeper", "before", attempt, async () => Date.now()),
      );
      if (event.data.until) await step.sleepUntil("nap", new Date(String(event.data.until)));
      else await step.sleep("nap", String(event.data.duration ?? "1s"));
      const after = await step.run(
        "after",
        recorded(record, runId, "sleeper", "after", attempt, async () => Date.now()),
      );
      return { sleptMs: after - before };
    },
  );

  const waiter = inngest.createFunction(
    { id: "waiter", triggers: [{ event: "test/wait" }] },
    async ({ event, step, runId, attempt }) => {
      await step.run(
        "ready",
        recorded(record, runId, "waiter", "ready", attempt, async () => true),
      );
      const got = await step.waitForEvent("approval", {
        event: "test/approve",
        if: "async.data.key == event.data.key",
        timeout: String(event.data.timeout ?? "1m"),
      });
      return { approvedBy: got ? got.data.by : null };
    },
  );

  // The approval is sent by the step just before the wait, so it reaches the engine before the wait is stored.
  const sameInstant = inngest.createFunction(
    { id: "same-instant", triggers: [{ event: "test/same-instant" }] },
    async ({ event, step }) => {
      await step.run("send-approval", async () => {
        await inngest.send({ name: "test/instant-approve", data: { key: event.data.key, by: "self" } });
        return true;
      });
      const got = await step.waitForEvent("approval", {
        event: "test/instant-approve",
        if: "async.data.key == event.data.key",
        timeout: "30s",
      });
      return { approvedBy: got ? got.data.by : null };
    },
  );

  const flaky = inngest.createFunction(
    { id: "flaky", triggers: [{ event: "test/flaky" }], retries: 3 },
    async ({ event, step, runId, attempt }) => {
      const value = await step.run(
        "shaky",
        recorded(record, runId, "flaky", "shaky", attempt, async () => {
          if (attempt < Number(event.data.failures ?? 2)) {
            if (event.data.retryAfter) throw new RetryAfterError("busy", String(event.data.retryAfter));
            throw new Error(`transient failure ${attempt}`);
          }
          return `ok after ${attempt}`;
        }),
      );
      return { value };
    },
  );

  const fnError = inngest.createFunction(
    { id: "function-error", triggers: [{ event: "test/function-error" }], retries: 2 },
    async ({ attempt, runId }) => {
      await record({ runId, fn: "function-error", step: "body", execId: execId(), phase: "start", attempt });
      if (attempt < 1) throw new Error("flaky outside a step");
      return { attempt };
    },
  );

  const doomed = inngest.createFunction(
    {
      id: "doomed",
      triggers: [{ event: "test/doomed" }],
      retries: 1,
      onFailure: async ({ error, event, runId }) => {
        await record({
          runId,
          fn: "doomed-failure",
          step: "handler",
          execId: execId(),
          phase: "end",
          attempt: 0,
          info: { message: error.message, original: event.data.event.data, failedRun: event.data.run_id },
        });
      },
    },
    async ({ event, step, runId, attempt }) => {
      await step.run(
        "explode",
        recorded(record, runId, "doomed", "explode", attempt, async () => {
          if (event.data.nonRetriable) throw new NonRetriableError("do not retry me");
          throw new Error("always fails");
        }),
      );
    },
  );

  const recovers = inngest.createFunction(
    { id: "recovers", triggers: [{ event: "test/recovers" }], retries: 2 },
    async ({ step }) => {
      try {
        await step.run("bad", async () => {
          throw new NonRetriableError("permanent");
        });
      } catch (error) {
        return { recovered: (error as Error).message };
      }
      return { recovered: null };
    },
  );

  const child = inngest.createFunction(
    { id: "child", triggers: [{ event: "test/child-direct" }] },
    async ({ event, step }) => {
      if (event.data.sleep) await step.sleep("slow", String(event.data.sleep));
      return await step.run("double", async () => Number(event.data.x) * 2);
    },
  );

  const parent = inngest.createFunction(
    { id: "parent", triggers: [{ event: "test/parent" }] },
    async ({ event, step }) => {
      try {
        const doubled = await step.invoke("call-child", {
          function: child,
          data: { x: event.data.x, sleep: event.data.childSleep },
          ...(event.data.timeout ? { timeout: String(event.data.timeout) } : {}),
        });
        return { doubled };
      } catch (error) {
        return { invokeError: (error as Error).message };
      }
    },
  );

  const sender = inngest.createFunction(
    { id: "sender", triggers: [{ event: "test/sender" }] },
    async ({ event, step }) => {
      const sent = await step.sendEvent("fan-out", { name: "test/linear", data: { steps: 1, from: event.data.key } });
      return { ids: sent.ids };
    },
  );

  const idempotent = inngest.createFunction(
    { id: "idempotent", triggers: [{ event: "test/idempotent" }], idempotency: "event.data.key" },
    async ({ event, step, runId, attempt }) =>
      step.run(
        "once",
        recorded(record, runId, "idempotent", "once", attempt, async () => event.data.key),
      ),
  );

  const limited = inngest.createFunction(
    { id: "limited", triggers: [{ event: "test/limited" }], concurrency: { limit: 1, key: "event.data.ws" } },
    async ({ event, step, runId, attempt }) =>
      step.run(
        "work",
        recorded(record, runId, "limited", "work", attempt, async () => {
          await delay(250);
          return event.data.ws;
        }),
      ),
  );

  const cancellable = inngest.createFunction(
    {
      id: "cancellable",
      triggers: [{ event: "test/cancellable" }],
      cancelOn: [{ event: "test/cancel", if: "async.data.key == event.data.key" }],
    },
    async ({ step, runId, attempt }) => {
      await step.run(
        "first",
        recorded(record, runId, "cancellable", "first", attempt, async () => 1),
      );
      await step.sleep("long-nap", "1h");
      await step.run(
        "second",
        recorded(record, runId, "cancellable", "second", attempt, async () => 2),
      );
    },
  );

  const timed = inngest.createFunction(
    { id: "timed", triggers: [{ event: "test/timed" }], timeouts: { finish: "1s" } },
    async ({ step, runId, attempt }) => {
      await step.run(
        "first",
        recorded(record, runId, "timed", "first", attempt, async () => 1),
      );
      await step.sleep("too-long", "1m");
      await step.run(
        "second",
        recorded(record, runId, "timed", "second", attempt, async () => 2),
      );
    },
  );

  const exotic = inngest.createFunction({ id: "exotic", triggers: [{ event: "test/exotic" }] }, async ({ step }) => {
    await step.waitForSignal("signal", { signal: "never", timeout: "1m", onConflict: "fail" });
  });

  const filtered = inngest.createFunction(
    { id: "filtered", triggers: [{ event: "test/filtered", if: "event.data.priority == 'high'" }] },
    async ({ event }) => ({ got: event.data.priority }),
  );

  return [
    linear,
    thirty,
    parallel,
    sleeper,
    waiter,
    sameInstant,
    flaky,
    fnError,
    doomed,
    recovers,
    child,
    parent,
    sender,
    idempotent,
    limited,
    cancellable,
    timed,
    exotic,
    filtered,
  ];
}

export function cronFunctions(inngest: Inngest.Any, record: Recorder) {
  return [
    inngest.createFunction({ id: "every-second", triggers: [{ cron: "* * * * * *" }] }, async ({ event, runId }) => {
      await record({
        runId,
        fn: "every-second",
        step: "tick",
        execId: execId(),
        phase: "end",
        attempt: 0,
        info: event.ts,
      });
      return { ts: event.ts };
    }),
  ];
}

export function badFunctions(inngest: Inngest.Any, kind: string) {
  if (kind === "bad-throttle") {
    return [
      inngest.createFunction(
        { id: "throttled", triggers: [{ event: "test/x" }], throttle: { limit: 1, period: "1s" } },
        async () => null,
      ),
    ];
  }
  return [
    inngest.createFunction({ id: "bad-cel", triggers: [{ event: "test/x", if: "event.data.a ==" }] }, async () => null),
  ];
}

/** Trivial steps for the benchmark: the time measured is the engine's per-step cost. */
export function benchFunctions(inngest: Inngest.Any) {
  const body = async ({
    event,
    step,
  }: {
    event: { data: Record<string, unknown> };
    step: { run: <T>(id: string, fn: () => Promise<T>) => Promise<T> };
  }) => {
    const count = Number(event.data.steps);
    let last = 0;
    for (let i = 0; i < count; i++) last = await step.run(`s${i}`, async () => i);
    return last;
  };
  return [
    inngest.createFunction({ id: "bench-checkpointed", triggers: [{ event: "bench/checkpointed" }] }, body),
    inngest.createFunction({ id: "bench-plain", triggers: [{ event: "bench/plain" }], checkpointing: false }, body),
  ];
}
