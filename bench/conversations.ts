// The conversations section of `npm run bench`: Holdfast's streaming path — POST …/messages → outbox → engine →
// the app's generation step → the model provider → deltas persisted in batches → NOTIFY → SSE — measured against
// the fake OpenAI provider it streams from (the provider's own time to first byte and chunk rate) and against
// bare PostgreSQL (one persisted chunk, one wake-up), all in one run on the real product.
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createOpenAI } from "@ai-sdk/openai";
import { streamText } from "ai";
import pg from "pg";
import { type FakeOpenAI, type FakeReply, type RecordedRequest, startFakeOpenAI } from "@/tests/fakes/openai-server";
import { freePort } from "@/tests/helpers/app-server";
import { describeStatement } from "./api";
import { defer } from "./lib/cleanup";
import { cpuWindow, treeCpuMs } from "./lib/cpu";
import { table } from "./lib/doc";
import {
  freshDatabase,
  readStatements,
  resetStatements,
  type StatementStat,
  serverVersion,
  setStatementTracking,
  startBenchCluster,
} from "./lib/postgres";
import { type BenchProduct, ENGINE_PRODUCTION_ENV, startBenchProduct } from "./lib/product";
import { progress } from "./lib/progress";
import { seedUserViaCli } from "./lib/seed";
import { BENCH_DIST_DIR, ensureBuild } from "./lib/server";
import { clock, type ProviderStreamStats, readGenerationStream, readProviderStream, type StreamStats } from "./lib/sse";
import { ms, percentile, rate, ratio } from "./lib/stats";

export type ConversationBenchOptions = {
  quick: boolean;
  /** Rebuild the app even when the bench build looks current. */
  rebuild?: boolean;
  /** Never build; measure whatever build exists. */
  noBuild?: boolean;
};

const DATABASE = "holdfast_bench_conversations";
const FLOOR_DATABASE = "holdfast_bench_floor";
// Its own cluster: the API section's (.holdfast/bench-api-pg) and the engine section's (.holdfast/bench-pg) may
// be running at the same time.
const PG_DIR = path.join(process.cwd(), ".holdfast", "bench-conversations-pg");
const MODEL = "gpt-4o-mini";
const PROVIDER_KEY = "sk-bench";
const PASSWORD = "bench-password-0123456789";
// The app's batching (lib/conversations/run-generation.ts), quoted in the write-up.
const FLUSH_MS = 50;
const FLUSH_CHARS = 1_024;

const FULL = {
  ttfbSamples: 20,
  instantSamples: 10,
  providerSamples: 15,
  throughputRuns: 3,
  resumeSamples: 40,
  liveResumeSamples: 25,
  streams: 100,
  probeGenerations: 3,
  floorSamples: 300,
};
const QUICK = {
  ttfbSamples: 8,
  instantSamples: 5,
  providerSamples: 10,
  throughputRuns: 1,
  resumeSamples: 15,
  liveResumeSamples: 10,
  streams: 25,
  probeGenerations: 2,
  floorSamples: 100,
};
type Params = typeof FULL;

// ---------------------------------------------------------------------------------------------------------
// The fake provider's scripted replies, chosen by the first word of the user message

type Script = { chunks: number; chunkChars: number; chunkDelayMs: number; firstChunkDelayMs: number };
const SCRIPTS = {
  warm: { chunks: 4, chunkChars: 6, chunkDelayMs: 0, firstChunkDelayMs: 0 },
  /** A provider with a 150 ms time to first byte, then 20 chunks 10 ms apart. */
  ttfb: { chunks: 20, chunkChars: 6, chunkDelayMs: 10, firstChunkDelayMs: 150 },
  /** The same reply from a provider that answers at once. */
  instant: { chunks: 20, chunkChars: 6, chunkDelayMs: 10, firstChunkDelayMs: 0 },
  throughput: { chunks: 2_000, chunkChars: 5, chunkDelayMs: 0, firstChunkDelayMs: 0 },
  /** Chunks over FLUSH_CHARS: every provider chunk becomes one persisted chunk (one SSE event). */
  finished: { chunks: 300, chunkChars: 1_100, chunkDelayMs: 0, firstChunkDelayMs: 0 },
  live: { chunks: 300, chunkChars: 1_100, chunkDelayMs: 20, firstChunkDelayMs: 0 },
  concurrent: { chunks: 50, chunkChars: 8, chunkDelayMs: 20, firstChunkDelayMs: 150 },
  probe: { chunks: 20, chunkChars: 6, chunkDelayMs: 10, firstChunkDelayMs: 150 },
} satisfies Record<string, Script>;
type Kind = keyof typeof SCRIPTS;

const texts = new Map<Kind, string>();
/** `chunks` pieces of exactly `chunkChars` characters ("xx17 "), so the fake's even split gives those pieces. */
function textOf(kind: Kind): string {
  let text = texts.get(kind);
  if (text === undefined) {
    const { chunks, chunkChars } = SCRIPTS[kind];
    text = Array.from({ length: chunks }, (_, i) => `${i} `.padStart(chunkChars, "x")).join("");
    texts.set(kind, text);
  }
  return text;
}

function replyFor(kind: Kind): FakeReply {
  const script: Script = SCRIPTS[kind];
  return {
    type: "text",
    text: textOf(kind),
    chunks: script.chunks,
    chunkDelayMs: script.chunkDelayMs,
    firstChunkDelayMs: script.firstChunkDelayMs,
  };
}

function kindOfRequest(request: RecordedRequest): Kind {
  const last = [...(request.body?.messages ?? [])].reverse().find((message) => message.role === "user");
  const content = typeof last?.content === "string" ? last.content : "";
  const word = content.split(" ")[0] ?? "";
  return word in SCRIPTS ? (word as Kind) : "warm";
}

// ---------------------------------------------------------------------------------------------------------
// The product's API, as a client sees it

type Sent = {
  status: number;
  startedAt: number;
  answeredAt: number;
  generationId?: string;
  requestId?: string;
  error?: string;
};

function apiClient(base: string, token: string, workspace: string) {
  const prefix = `${base}/api/v1/workspaces/${workspace}`;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    async createConversation(): Promise<string> {
      const response = await fetch(`${prefix}/conversations`, {
        method: "POST",
        headers: { ...headers, "idempotency-key": randomBytes(12).toString("hex") },
        body: "{}",
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST …/conversations answered ${response.status}: ${text}`);
      return (JSON.parse(text) as { conversation: { id: string } }).conversation.id;
    },
    /** Never throws: a failed send is reported in `error` (the concurrent phase counts them). */
    async send(conversationId: string, content: string): Promise<Sent> {
      const startedAt = clock();
      try {
        const response = await fetch(`${prefix}/conversations/${conversationId}/messages`, {
          method: "POST",
          headers: { ...headers, "idempotency-key": randomBytes(12).toString("hex") },
          body: JSON.stringify({ content }),
        });
        const text = await response.text();
        const answeredAt = clock();
        if (response.status !== 202) {
          return { status: response.status, startedAt, answeredAt, error: `HTTP ${response.status}: ${text}` };
        }
        const body = JSON.parse(text) as { generation: { id: string } };
        return {
          status: 202,
          startedAt,
          answeredAt,
          generationId: body.generation.id,
          requestId: response.headers.get("x-request-id") ?? undefined,
        };
      } catch (error) {
        return { status: 0, startedAt, answeredAt: clock(), error: (error as Error).message };
      }
    },
    streamUrl: (generationId: string) => `${prefix}/generations/${generationId}/stream`,
    token,
  };
}
type Api = ReturnType<typeof apiClient>;

/** One generation as the bench saw it: its send, its stream, and (later) its timeline. */
type Run = { kind: Kind; sent: Sent; stream: StreamStats; generationId: string; requestId?: string };

function problemOf(run: { kind: Kind; sent: Sent; stream?: StreamStats }): string | null {
  if (run.sent.status !== 202) return `send: ${run.sent.error}`;
  const stream = run.stream;
  if (!stream) return "no stream";
  if (stream.error) return `stream: ${stream.error}`;
  if (stream.endStatus !== "succeeded") return `generation ended ${stream.endStatus}`;
  if (!stream.contiguous) return "stream ids not contiguous";
  if (stream.text !== textOf(run.kind))
    return `text differs (${stream.text.length} of ${textOf(run.kind).length} chars)`;
  return null;
}

/** Sends one message in a fresh conversation and reads its stream to the end. */
async function runOne(api: Api, kind: Kind, label: string, conversationId?: string): Promise<Run> {
  const conversation = conversationId ?? (await api.createConversation());
  const sent = await api.send(conversation, `${kind} ${label}`);
  if (!sent.generationId) throw new Error(`${kind} ${label}: ${sent.error}`);
  const stream = await readGenerationStream(api.streamUrl(sent.generationId), { token: api.token });
  const run: Run = { kind, sent, stream, generationId: sent.generationId, requestId: sent.requestId };
  const problem = problemOf(run);
  if (problem) throw new Error(`${kind} ${label}: ${problem}`);
  return run;
}

// ---------------------------------------------------------------------------------------------------------
// Timelines: where each generation's time went, from the database and the fake's own records

type Timeline = {
  status: string;
  lastSeq: number;
  deltaChunks: number;
  startedAt: number;
  finishedAt: number;
  firstDeltaFlushAt: number;
  lastDeltaFlushAt: number;
  runCreatedAt: number;
  runStartedAt: number;
  runEndedAt: number;
  /** Engine calls to the app for this run, and those answered with a step error (retried). */
  calls: number;
  stepErrors: number;
};

async function timelines(pool: pg.Pool, ids: string[]): Promise<Map<string, Timeline>> {
  const { rows } = await pool.query<Record<string, string | number | null>>(
    `SELECT g.id::text AS id, g.status::text AS status, g.last_chunk_seq AS last_seq, c.deltas,
            extract(epoch FROM g.started_at) * 1000 AS started, extract(epoch FROM g.finished_at) * 1000 AS finished,
            extract(epoch FROM c.first_delta) * 1000 AS first_delta, extract(epoch FROM c.last_delta) * 1000 AS last_delta,
            extract(epoch FROM r.created_at) * 1000 AS run_created, extract(epoch FROM r.started_at) * 1000 AS run_started,
            extract(epoch FROM r.ended_at) * 1000 AS run_ended,
            (SELECT count(*)::int FROM engine.attempts a WHERE a.run_id = r.id) AS calls,
            (SELECT count(*)::int FROM engine.attempts a WHERE a.run_id = r.id AND a.outcome = 'StepError') AS step_errors
       FROM generations g
       LEFT JOIN LATERAL (SELECT min(created_at) AS first_delta, max(created_at) AS last_delta, count(*)::int AS deltas
                            FROM generation_chunks WHERE generation_id = g.id AND kind = 'delta') c ON true
       LEFT JOIN LATERAL (SELECT id, created_at, started_at, ended_at FROM engine.runs
                           WHERE event -> 'data' ->> 'generationId' = g.id::text AND function_id NOT LIKE '%failure'
                           ORDER BY created_at LIMIT 1) r ON true
      WHERE g.id = ANY($1::uuid[])`,
    [ids],
  );
  const num = (value: string | number | null | undefined) =>
    value === null || value === undefined ? NaN : Number(value);
  return new Map(
    rows.map((row) => [
      String(row.id),
      {
        status: String(row.status),
        lastSeq: num(row.last_seq),
        deltaChunks: num(row.deltas),
        startedAt: num(row.started),
        finishedAt: num(row.finished),
        firstDeltaFlushAt: num(row.first_delta),
        lastDeltaFlushAt: num(row.last_delta),
        runCreatedAt: num(row.run_created),
        runStartedAt: num(row.run_started),
        runEndedAt: num(row.run_ended),
        calls: num(row.calls),
        stepErrors: num(row.step_errors),
      },
    ]),
  );
}

const STAGES = [
  ["send", "POST …/messages answered (202)"],
  ["toRun", "POST sent → engine run created (send transaction, outbox relay, event ingest)"],
  ["schedule", "engine run created → engine calls the app (claim, scheduling)"],
  ["startStep", "engine call → generation `running` (SDK request, step `start` transaction)"],
  ["toProvider", "`running` → provider request arrives (checkpoint, loads, context build, connect)"],
  ["providerTtfb", "provider request → provider's first byte (the fake's own clock)"],
  ["toFlush", "provider's first byte → first delta's flush transaction begins (AI SDK, batching)"],
  ["toClient", "flush begins → first `delta` at the SSE client (commit, NOTIFY, reader query, HTTP)"],
  ["total", "POST sent → first `delta` at the SSE client"],
] as const;
type StageId = (typeof STAGES)[number][0];
type Stages = Record<StageId, number>;

function stagesOf(run: Run, timeline: Timeline | undefined, provider: RecordedRequest | undefined): Stages | null {
  if (!timeline || !provider || run.stream.firstDeltaAt === undefined) return null;
  const t0 = run.sent.startedAt;
  const firstByte = provider.firstByteAt ?? NaN;
  return {
    send: run.sent.answeredAt - t0,
    toRun: timeline.runCreatedAt - t0,
    schedule: timeline.runStartedAt - timeline.runCreatedAt,
    startStep: timeline.startedAt - timeline.runStartedAt,
    toProvider: provider.startedAt - timeline.startedAt,
    providerTtfb: firstByte - provider.startedAt,
    toFlush: timeline.firstDeltaFlushAt - firstByte,
    toClient: run.stream.firstDeltaAt - timeline.firstDeltaFlushAt,
    total: run.stream.firstDeltaAt - t0,
  };
}

function providerRequests(fake: FakeOpenAI): Map<string, RecordedRequest> {
  const byRequestId = new Map<string, RecordedRequest>();
  for (const request of fake.completions) {
    const id = request.headers["x-request-id"];
    if (typeof id === "string") byRequestId.set(id, request);
  }
  return byRequestId;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

type Dist = { count: number; p50: number; p99: number; mean: number; max: number };

function dist(values: number[]): Dist {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const total = finite.reduce((sum, v) => sum + v, 0);
  return {
    count: finite.length,
    p50: percentile(finite, 50),
    p99: percentile(finite, 99),
    mean: finite.length ? total / finite.length : NaN,
    max: finite.at(-1) ?? NaN,
  };
}

const median = (values: number[]) => dist(values).p50;

/** Largest number of [start, end) intervals open at once. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .flatMap(
      ([a, b]): Array<[number, number]> => [
        [a, 1],
        [b, -1],
      ],
    )
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

// ---------------------------------------------------------------------------------------------------------
// The section

type TtfbResult = {
  kind: "ttfb" | "instant";
  runs: Run[];
  provider: ProviderStreamStats[];
  ours: Dist;
  providerDirect: Dist;
  /** The fake's own request → first byte for Holdfast's requests. */
  providerAsSeen: Dist;
  overhead: Dist;
  stages: Record<StageId, Dist>;
  /** Persisted delta chunks (= flush transactions) per generation. */
  deltaChunks: Dist;
  /** Engine calls per run (1: the whole function ran in one checkpointed request). */
  calls: Dist;
};

/** The AI SDK alone (the same `streamText` + `@ai-sdk/openai` chat model the app uses) reading the fake. */
type SdkStats = { deltas: number; chars: number; firstAt: number; lastAt: number };

type ThroughputResult = {
  direct: ProviderStreamStats[];
  sdk: SdkStats[];
  runs: Array<{ run: Run; timeline: Timeline; provider: RecordedRequest }>;
};

type ResumeResult = {
  lastSeq: number;
  chunkBytes: number;
  finishedFirst: Dist;
  finishedAll: Dist;
  floorQuery: Dist;
  liveBehind: Dist;
  liveHead: Dist;
  liveChunks: number;
  liveSeconds: number;
};

type ConcurrentResult = {
  streams: number;
  failures: string[];
  send: Dist;
  firstDelta: Dist;
  end: Dist;
  /** Provider's first byte → last delta flush begins: Holdfast consuming the reply. */
  consume: Dist;
  /** Last delta flush begins → `end` event at the client: checkpoint, finalize step. */
  finalize: Dist;
  deltaChunks: Dist;
  /** Runs by number of engine calls (1 = the whole function in one checkpointed request). */
  callsPerRun: Map<number, number>;
  stepErrors: number;
  /** Prisma "transaction expired" errors (P2028) in the server log during the phase. */
  expiredTransactions: number;
  sessions: Sessions;
  wallSeconds: number;
  stages: Record<StageId, Dist>;
  providerInFlight: number;
  runsInFlight: number;
  cpu: { server: number; engine: number; postgres: number; bench: number; machine: number };
  waits: Array<{ event: string; average: number }>;
  waitSamples: number;
};

/** Means over the `pg_stat_activity` samples of the app's and the engine's sessions on the bench database. */
type Sessions = {
  samples: number;
  appOpen: number;
  appActive: number;
  appIdleInTransaction: number;
  appLockWaits: number;
  engineActive: number;
  /** What the app's sessions waiting on a lock were running, by statement, as a share of those waits. */
  lockWaiters: Array<{ statement: string; share: number }>;
};

type Floor = { flush: Dist; commitToWake: Dist };

type Probe = {
  generations: number;
  statements: StatementStat[];
  seconds: number;
  idlePerSecond: number;
  idleSeconds: number;
  idleStatements: StatementStat[];
};

export async function runConversationBench(options: ConversationBenchOptions): Promise<string> {
  const params = options.quick ? QUICK : FULL;
  const buildStarted = performance.now();
  await ensureBuild({ force: options.rebuild, skip: options.noBuild });
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;

  progress(`starting the conversations bench PostgreSQL cluster (${path.relative(process.cwd(), PG_DIR)})`);
  const cluster = await startBenchCluster({ dataDir: PG_DIR, port: await freePort() });
  const stopCluster = defer("conversations bench PostgreSQL cluster", () => cluster.stop());
  const fake = await startFakeOpenAI();
  const stopFake = defer("fake OpenAI provider", () => fake.close());
  fake.setDefault((request) => replyFor(kindOfRequest(request)));
  let product: BenchProduct | undefined;
  let pool: pg.Pool | undefined;
  try {
    const postgresVersion = await serverVersion(cluster.adminUrl);
    const databaseUrl = await freshDatabase(cluster.adminUrl, DATABASE);
    progress(`fresh migrated database ${DATABASE} on PostgreSQL ${postgresVersion}; fake provider at ${fake.url}`);

    const email = `bench-${randomBytes(3).toString("hex")}@bench.test`;
    const seeding = seedUserViaCli({ databaseUrl, email, password: PASSWORD, workspace: "bench", roles: ["member"] });
    const starting = startBenchProduct({
      databaseUrl,
      env: { OPENAI_API_KEY: PROVIDER_KEY, OPENAI_BASE_URL: fake.url, HOLDFAST_DEFAULT_MODEL: MODEL },
    });
    const [seededResult, productResult] = await Promise.allSettled([seeding, starting]);
    if (productResult.status === "fulfilled") product = productResult.value;
    if (seededResult.status === "rejected") throw seededResult.reason;
    if (productResult.status === "rejected") throw productResult.reason;
    const seeded = seededResult.value;
    const running = productResult.value;
    progress(
      `product up: next start (${BENCH_DIST_DIR}) at ${running.server.url} (pid ${running.server.pid}), ` +
        `engine at ${running.engineUrl} (pid ${running.engine.child.pid}); seeded ${email} in "${seeded.workspace}"`,
    );

    pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    // Every send reserves context budget + max output tokens against the monthly plan: lift the plan so that the
    // run measures streaming, not quota_exceeded.
    await pool.query("UPDATE workspaces SET plan_monthly_tokens = 1000000000000 WHERE slug = $1", [seeded.workspace]);
    await pool.query(
      "UPDATE quota_periods SET token_limit = 1000000000000 WHERE workspace_id = (SELECT id FROM workspaces WHERE slug = $1)",
      [seeded.workspace],
    );
    const api = apiClient(running.server.url, seeded.token, seeded.workspace);

    progress("warm-up: 3 sequential and 10 concurrent generations (not measured)");
    for (let i = 0; i < 3; i++) await runOne(api, "warm", `seq-${i}`);
    await Promise.all(Array.from({ length: 10 }, (_, i) => runOne(api, "warm", `par-${i}`)));
    // The direct provider requests carry what Holdfast's own requests carry (stream_options → usage chunk).
    const streamOptions = fake.completions.at(-1)?.body?.stream_options;

    const closeCpu = cpuWindow(running.server.pid, cluster.postmasterPid());
    const ttfb = await measureTtfb(api, fake, pool, "ttfb", params.ttfbSamples, params.providerSamples, streamOptions);
    const instant = await measureTtfb(
      api,
      fake,
      pool,
      "instant",
      params.instantSamples,
      params.providerSamples,
      streamOptions,
    );
    const throughput = await measureThroughput(api, fake, pool, params.throughputRuns, streamOptions);
    const resume = await measureResume(api, pool, params);
    const concurrent = await measureConcurrent(api, fake, pool, running, cluster, params.streams);
    const floor = await measureFloor(cluster.adminUrl, params.floorSamples);
    const probe = await probeStatements(api, cluster.adminUrl, params.probeGenerations);
    const cpu = closeCpu();

    const seconds = (performance.now() - started) / 1000;
    progress(`conversations section done in ${seconds.toFixed(0)} s (+ ${buildSeconds.toFixed(0)} s build check)`);
    return render({
      params,
      quick: options.quick,
      postgresVersion,
      seconds,
      buildSeconds,
      load: `${loadAtStart.toFixed(2)} → ${(os.loadavg()[0] ?? 0).toFixed(2)}`,
      otherCores: Math.max(0, cpu.machineBusyMs - cpu.serverMs - cpu.postgresMs - cpu.benchMs) / 1000 / seconds,
      ttfb,
      instant,
      throughput,
      resume,
      concurrent,
      floor,
      probe,
    });
  } finally {
    await pool?.end().catch(() => {});
    await product?.stop();
    await stopFake();
    await stopCluster();
  }
}

// ---------------------------------------------------------------------------------------------------------
// 1. Time to first byte

async function measureTtfb(
  api: Api,
  fake: FakeOpenAI,
  pool: pg.Pool,
  kind: "ttfb" | "instant",
  samples: number,
  providerSamples: number,
  streamOptions: unknown,
): Promise<TtfbResult> {
  const script = SCRIPTS[kind];
  progress(
    `TTFB (${kind}): ${providerSamples} direct provider streams, then ${samples} sequential sends ` +
      `(provider first byte after ${script.firstChunkDelayMs} ms, ${script.chunks} chunks ${script.chunkDelayMs} ms apart)`,
  );
  const provider: ProviderStreamStats[] = [];
  for (let i = 0; i < providerSamples; i++) {
    provider.push(
      await readProviderStream(
        `${fake.url}/chat/completions`,
        {
          model: MODEL,
          messages: [{ role: "user", content: `${kind} direct-${i}` }],
          ...(streamOptions ? { stream_options: streamOptions } : {}),
        },
        PROVIDER_KEY,
      ),
    );
  }
  const runs: Run[] = [];
  for (let i = 0; i < samples; i++) runs.push(await runOne(api, kind, `sample-${i}`));

  const lines = await timelines(
    pool,
    runs.map((r) => r.generationId),
  );
  const requests = providerRequests(fake);
  const stageRows = runs
    .map((run) => stagesOf(run, lines.get(run.generationId), requests.get(run.requestId ?? "")))
    .filter((s): s is Stages => s !== null);
  const ours = dist(runs.map((r) => (r.stream.firstDeltaAt ?? NaN) - r.sent.startedAt));
  const providerDirect = dist(provider.map((p) => p.firstContentAt - p.startedAt));
  const result: TtfbResult = {
    kind,
    runs,
    provider,
    ours,
    providerDirect,
    providerAsSeen: dist(stageRows.map((s) => s.providerTtfb)),
    overhead: dist(runs.map((r) => (r.stream.firstDeltaAt ?? NaN) - r.sent.startedAt - providerDirect.p50)),
    stages: Object.fromEntries(STAGES.map(([id]) => [id, dist(stageRows.map((s) => s[id]))])) as Record<StageId, Dist>,
    deltaChunks: dist(runs.map((r) => lines.get(r.generationId)?.deltaChunks ?? NaN)),
    calls: dist(runs.map((r) => lines.get(r.generationId)?.calls ?? NaN)),
  };
  progress(
    `  ours p50 ${ms(ours.p50)} ms / p99 ${ms(ours.p99)} ms; provider alone p50 ${ms(providerDirect.p50)} ms / ` +
      `p99 ${ms(providerDirect.p99)} ms`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Chunk throughput of one stream

async function measureThroughput(
  api: Api,
  fake: FakeOpenAI,
  pool: pg.Pool,
  runsWanted: number,
  streamOptions: unknown,
): Promise<ThroughputResult> {
  const script = SCRIPTS.throughput;
  progress(`throughput: ${runsWanted}× a ${script.chunks}-chunk reply with no delay, direct and through Holdfast`);
  const direct: ProviderStreamStats[] = [];
  for (let i = 0; i < runsWanted; i++) {
    direct.push(
      await readProviderStream(
        `${fake.url}/chat/completions`,
        {
          model: MODEL,
          messages: [{ role: "user", content: `throughput direct-${i}` }],
          ...(streamOptions ? { stream_options: streamOptions } : {}),
        },
        PROVIDER_KEY,
      ),
    );
  }
  const sdk: SdkStats[] = [];
  const model = createOpenAI({ apiKey: PROVIDER_KEY, baseURL: fake.url }).chat(MODEL);
  for (let i = 0; i < runsWanted; i++) {
    const result = streamText({
      model,
      messages: [{ role: "user", content: `throughput sdk-${i}` }],
      maxRetries: 0,
      onError: () => {},
    });
    const stats: SdkStats = { deltas: 0, chars: 0, firstAt: Number.NaN, lastAt: Number.NaN };
    for await (const part of result.fullStream) {
      if (part.type === "error") throw part.error;
      if (part.type !== "text-delta" || !part.text) continue;
      const at = clock();
      if (Number.isNaN(stats.firstAt)) stats.firstAt = at;
      stats.lastAt = at;
      stats.deltas++;
      stats.chars += part.text.length;
    }
    sdk.push(stats);
  }
  const runs: Run[] = [];
  for (let i = 0; i < runsWanted; i++) runs.push(await runOne(api, "throughput", `run-${i}`));
  const lines = await timelines(
    pool,
    runs.map((r) => r.generationId),
  );
  const requests = providerRequests(fake);
  const result: ThroughputResult = { direct, sdk, runs: [] };
  for (const run of runs) {
    const timeline = lines.get(run.generationId);
    const provider = requests.get(run.requestId ?? "");
    if (timeline && provider) result.runs.push({ run, timeline, provider });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// 3. Resume latency

async function measureResume(api: Api, pool: pg.Pool, params: Params): Promise<ResumeResult> {
  const finished = SCRIPTS.finished;
  progress(
    `resume: a finished generation of ${finished.chunks} chunks × ${finished.chunkChars} chars, ` +
      `${params.resumeSamples} resumes from the middle`,
  );
  const done = await runOne(api, "finished", "0");
  const lastSeq = done.stream.lastId;
  const url = api.streamUrl(done.generationId);
  const first: number[] = [];
  const all: number[] = [];
  const points: number[] = [];
  for (let i = 0; i < params.resumeSamples; i++) {
    const after = Math.floor(lastSeq / 4) + randomInt(Math.max(1, Math.floor(lastSeq / 2)));
    points.push(after);
    const stream = await readGenerationStream(url, { token: api.token, lastEventId: after });
    if (stream.error || stream.firstEventId !== after + 1 || !stream.contiguous || stream.endStatus !== "succeeded") {
      throw new Error(`resume after ${after}: ${stream.error ?? `first id ${stream.firstEventId}`}`);
    }
    first.push((stream.firstEventAt ?? NaN) - stream.startedAt);
    all.push((stream.endAt ?? NaN) - stream.startedAt);
  }
  // The floor: the same page query the stream route makes, straight to PostgreSQL.
  const client = await pool.connect();
  const floor: number[] = [];
  try {
    for (const after of points) {
      const t = clock();
      await client.query(
        "SELECT seq, kind, data FROM generation_chunks WHERE generation_id = $1 AND seq > $2 ORDER BY seq LIMIT 500",
        [done.generationId, after],
      );
      floor.push(clock() - t);
    }
  } finally {
    client.release();
  }

  const live = SCRIPTS.live;
  progress(`resume: during a live generation (${live.chunks} chunks ${live.chunkDelayMs} ms apart)`);
  const conversation = await api.createConversation();
  const sent = await api.send(conversation, "live 0");
  if (!sent.generationId) throw new Error(`live send: ${sent.error}`);
  const liveUrl = api.streamUrl(sent.generationId);
  let head = 0;
  let mainDone = false;
  const liveStarted = clock();
  const main = readGenerationStream(liveUrl, {
    token: api.token,
    timeoutMs: 120_000,
    onEvent: (id) => {
      head = id;
    },
  }).finally(() => {
    mainDone = true;
  });
  while (head < 10 && !mainDone) await new Promise((resolve) => setTimeout(resolve, 5));
  const behind: number[] = [];
  const atHead: number[] = [];
  while (!mainDone && behind.length < params.liveResumeSamples) {
    const back = head - 5;
    const a = await readGenerationStream(liveUrl, { token: api.token, lastEventId: back, stopAfter: 1 });
    if (!a.error && a.firstEventId === back + 1 && !mainDone) behind.push((a.firstEventAt ?? NaN) - a.startedAt);
    const now = head;
    const b = await readGenerationStream(liveUrl, { token: api.token, lastEventId: now, stopAfter: 1 });
    if (!b.error && b.firstEventId === now + 1 && !mainDone) atHead.push((b.firstEventAt ?? NaN) - b.startedAt);
  }
  const mainStream = await main;
  const problem = problemOf({ kind: "live", sent, stream: mainStream });
  if (problem) throw new Error(`live generation: ${problem}`);
  const chunkBytes = Math.round(done.stream.bytes / Math.max(1, done.stream.events));
  return {
    lastSeq,
    chunkBytes,
    finishedFirst: dist(first),
    finishedAll: dist(all),
    floorQuery: dist(floor),
    liveBehind: dist(behind),
    liveHead: dist(atHead),
    liveChunks: mainStream.deltas,
    liveSeconds: ((mainStream.endAt ?? clock()) - liveStarted) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Many streams at once

async function measureConcurrent(
  api: Api,
  fake: FakeOpenAI,
  pool: pg.Pool,
  product: BenchProduct,
  cluster: { adminUrl: string; postmasterPid: () => number },
  streams: number,
): Promise<ConcurrentResult> {
  const script = SCRIPTS.concurrent;
  progress(
    `concurrent: ${streams} clients each send (own conversation and Idempotency-Key) and read their stream ` +
      `(provider: first byte after ${script.firstChunkDelayMs} ms, ${script.chunks} chunks ${script.chunkDelayMs} ms apart)`,
  );
  const conversations: string[] = [];
  while (conversations.length < streams) {
    const batch = Math.min(10, streams - conversations.length);
    conversations.push(...(await Promise.all(Array.from({ length: batch }, () => api.createConversation()))));
  }

  // What the database's sessions do and wait on, sampled while the clients run.
  const sampler = new pg.Client({ connectionString: cluster.adminUrl, application_name: "holdfast-bench" });
  await sampler.connect();
  const waits = new Map<string, number>();
  const lockWaiters = new Map<string, number>();
  const sessionTotals = { appOpen: 0, appActive: 0, appIdleInTransaction: 0, appLockWaits: 0, engineActive: 0 };
  let waitSamples = 0;
  let sampling = true;
  const sampled = (async () => {
    while (sampling) {
      const { rows } = await sampler.query<{ app: string; state: string | null; wait: string | null; query: string }>(
        `SELECT application_name AS app, state, wait_event_type || ':' || wait_event AS wait, query
           FROM pg_stat_activity
          WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()
            AND application_name <> 'holdfast-bench'`,
        [DATABASE],
      );
      waitSamples++;
      for (const row of rows) {
        const engine = row.app.startsWith("holdfast-engine");
        if (row.state === "active") {
          const event = row.wait ?? "CPU (running)";
          waits.set(event, (waits.get(event) ?? 0) + 1);
        }
        if (engine) {
          if (row.state === "active") sessionTotals.engineActive++;
          continue;
        }
        sessionTotals.appOpen++;
        if (row.state === "active") sessionTotals.appActive++;
        if (row.state === "idle in transaction") sessionTotals.appIdleInTransaction++;
        if (row.state === "active" && row.wait?.startsWith("Lock:")) {
          sessionTotals.appLockWaits++;
          const statement = describeStatement(row.query);
          lockWaiters.set(statement, (lockWaiters.get(statement) ?? 0) + 1);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const expiredBefore = countInLog(product.server.logPath, "P2028");
  const engineCpu = treeCpuMs(product.engine.child.pid as number);
  const closeCpu = cpuWindow(product.server.pid, cluster.postmasterPid());
  const t0 = clock();
  const results = await Promise.all(
    conversations.map(async (conversationId, i) => {
      const sent = await api.send(conversationId, `concurrent ${i}`);
      const stream = sent.generationId
        ? await readGenerationStream(api.streamUrl(sent.generationId), { token: api.token, timeoutMs: 120_000 })
        : undefined;
      return { kind: "concurrent" as const, sent, stream };
    }),
  );
  const wallSeconds = (clock() - t0) / 1000;
  const cpu = closeCpu();
  const engineMs = treeCpuMs(product.engine.child.pid as number) - engineCpu;
  sampling = false;
  await sampled;
  await sampler.end();

  const failures = results.map(problemOf).filter((p): p is string => p !== null);
  const ok = results.filter((r) => problemOf(r) === null);
  const runs: Run[] = ok.map((r) => ({
    kind: "concurrent",
    sent: r.sent,
    stream: r.stream as StreamStats,
    generationId: r.sent.generationId as string,
    requestId: r.sent.requestId,
  }));
  const lines = await timelines(
    pool,
    runs.map((r) => r.generationId),
  );
  const requests = providerRequests(fake);
  const stageRows = runs
    .map((run) => stagesOf(run, lines.get(run.generationId), requests.get(run.requestId ?? "")))
    .filter((s): s is Stages => s !== null);
  const ours = runs.map((r) => requests.get(r.requestId ?? "")).filter((r): r is RecordedRequest => !!r);
  const timelineList = runs.map((r) => lines.get(r.generationId)).filter((t): t is Timeline => !!t);
  const seconds = wallSeconds;
  const result: ConcurrentResult = {
    streams,
    failures,
    send: dist(results.map((r) => (r.sent.status === 202 ? r.sent.answeredAt - r.sent.startedAt : NaN))),
    firstDelta: dist(runs.map((r) => (r.stream.firstDeltaAt ?? NaN) - r.sent.startedAt)),
    end: dist(runs.map((r) => (r.stream.endAt ?? NaN) - r.sent.startedAt)),
    wallSeconds,
    stages: Object.fromEntries(STAGES.map(([id]) => [id, dist(stageRows.map((s) => s[id]))])) as Record<StageId, Dist>,
    providerInFlight: maxOverlap(ours.map((r) => [r.startedAt, r.endedAt ?? NaN])),
    runsInFlight: maxOverlap(timelineList.map((t) => [t.runStartedAt, t.runEndedAt])),
    cpu: {
      server: cpu.serverMs / 1000 / seconds,
      engine: engineMs / 1000 / seconds,
      postgres: cpu.postgresMs / 1000 / seconds,
      bench: cpu.benchMs / 1000 / seconds,
      machine: cpu.machineBusyMs / 1000 / seconds,
    },
    waits: [...waits.entries()]
      .map(([event, total]) => ({ event, average: total / Math.max(1, waitSamples) }))
      .sort((a, b) => b.average - a.average),
    waitSamples,
    consume: dist(
      runs.map(
        (r) =>
          (lines.get(r.generationId)?.lastDeltaFlushAt ?? NaN) - (requests.get(r.requestId ?? "")?.firstByteAt ?? NaN),
      ),
    ),
    finalize: dist(runs.map((r) => (r.stream.endAt ?? NaN) - (lines.get(r.generationId)?.lastDeltaFlushAt ?? NaN))),
    deltaChunks: dist(timelineList.map((t) => t.deltaChunks)),
    callsPerRun: timelineList.reduce(
      (counts, t) => counts.set(t.calls, (counts.get(t.calls) ?? 0) + 1),
      new Map<number, number>(),
    ),
    stepErrors: timelineList.reduce((sum, t) => sum + t.stepErrors, 0),
    expiredTransactions: countInLog(product.server.logPath, "P2028") - expiredBefore,
    sessions: {
      samples: waitSamples,
      appOpen: sessionTotals.appOpen / Math.max(1, waitSamples),
      appActive: sessionTotals.appActive / Math.max(1, waitSamples),
      appIdleInTransaction: sessionTotals.appIdleInTransaction / Math.max(1, waitSamples),
      appLockWaits: sessionTotals.appLockWaits / Math.max(1, waitSamples),
      engineActive: sessionTotals.engineActive / Math.max(1, waitSamples),
      lockWaiters: [...lockWaiters.entries()]
        .map(([statement, n]) => ({ statement, share: n / Math.max(1, sessionTotals.appLockWaits) }))
        .sort((a, b) => b.share - a.share),
    },
  };
  progress(
    `  ${failures.length} failures; send p50 ${ms(result.send.p50)} / p99 ${ms(result.send.p99)} ms, first delta ` +
      `p99 ${ms(result.firstDelta.p99)} ms, end p99 ${ms(result.end.p99)} ms, wall ${wallSeconds.toFixed(1)} s`,
  );
  for (const failure of failures.slice(0, 5)) progress(`  failure: ${failure}`);
  return result;
}

function countInLog(file: string, needle: string): number {
  try {
    return readFileSync(file, "utf8").split(needle).length - 1;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The floor: one persisted chunk and one wake-up on bare PostgreSQL

async function measureFloor(adminUrl: string, samples: number): Promise<Floor> {
  progress(`floor: ${samples} bare flush transactions (UPDATE, INSERT, pg_notify, COMMIT) with a LISTENing client`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${FLOOR_DATABASE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${FLOOR_DATABASE}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${FLOOR_DATABASE}`;
  const writer = new pg.Client({ connectionString: url.toString() });
  const listener = new pg.Client({ connectionString: url.toString() });
  await writer.connect();
  await listener.connect();
  try {
    await writer.query("CREATE TABLE gens (id int PRIMARY KEY, last_seq int NOT NULL DEFAULT 0)");
    await writer.query(
      "CREATE TABLE chunks (gen int, seq int, kind text, data jsonb, created_at timestamptz DEFAULT now(), PRIMARY KEY (gen, seq))",
    );
    await writer.query("INSERT INTO gens (id) VALUES (1)");
    let woken: (() => void) | null = null;
    let wokenAt = 0;
    listener.on("notification", () => {
      wokenAt = clock();
      woken?.();
    });
    await listener.query("LISTEN bench_chunks");
    const flush: number[] = [];
    const wake: number[] = [];
    const text = JSON.stringify({ text: "x".repeat(64) });
    for (let i = 0; i < samples + 20; i++) {
      const notified = new Promise<void>((resolve) => {
        woken = resolve;
      });
      const t0 = clock();
      await writer.query("BEGIN");
      const { rows } = await writer.query<{ last_seq: number }>(
        "UPDATE gens SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
      );
      await writer.query("INSERT INTO chunks (gen, seq, kind, data) VALUES (1, $1, 'delta', $2)", [
        rows[0]?.last_seq,
        text,
      ]);
      await writer.query("SELECT pg_notify('bench_chunks', '1')");
      const commitSent = clock();
      await writer.query("COMMIT");
      const t1 = clock();
      await notified;
      if (i >= 20) {
        flush.push(t1 - t0);
        wake.push(wokenAt - commitSent);
      }
    }
    return { flush: dist(flush), commitToWake: dist(wake) };
  } finally {
    await listener.end();
    await writer.end();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${FLOOR_DATABASE}" WITH (FORCE)`);
    await cleanup.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Statements per generation (pg_stat_statements)

async function probeStatements(api: Api, adminUrl: string, generations: number): Promise<Probe> {
  progress(`statement probe: ${generations} sequential generations with pg_stat_statements on, and 2 s idle`);
  await setStatementTracking(adminUrl, true);
  try {
    await runOne(api, "probe", "warm");
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The engine polls even when idle (claims, crons, outbox): measure that rate on its own.
    await resetStatements(adminUrl);
    const idleStarted = clock();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleStatements = await readStatements(adminUrl, DATABASE);
    const idleSeconds = (clock() - idleStarted) / 1000;
    await resetStatements(adminUrl);
    const probeStarted = clock();
    for (let i = 0; i < generations; i++) {
      await runOne(api, "probe", `run-${i}`);
      // The run completes in the engine just after the end event: let it, so its statements are counted.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const statements = await readStatements(adminUrl, DATABASE);
    const seconds = (clock() - probeStarted) / 1000;
    const idleTotal = idleStatements.reduce((sum, s) => sum + s.calls, 0);
    return { generations, statements, seconds, idlePerSecond: idleTotal / idleSeconds, idleSeconds, idleStatements };
  } finally {
    await setStatementTracking(adminUrl, false);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The markdown section

type RenderInput = {
  params: Params;
  quick: boolean;
  postgresVersion: string;
  seconds: number;
  buildSeconds: number;
  load: string;
  otherCores: number;
  ttfb: TtfbResult;
  instant: TtfbResult;
  throughput: ThroughputResult;
  resume: ResumeResult;
  concurrent: ConcurrentResult;
  floor: Floor;
  probe: Probe;
};

const cell = (d: Dist) => [String(d.count), ms(d.p50), ms(d.p99), ms(d.mean)];

function render(input: RenderInput): string {
  const { params, ttfb, instant, throughput, resume, concurrent, floor, probe } = input;
  const s = SCRIPTS;

  // 1. TTFB
  const ttfbTable = table(
    ["Measurement", "Samples", "p50 ms", "p99 ms", "mean ms"],
    [
      [
        `Fake provider alone, first byte after ${s.ttfb.firstChunkDelayMs} ms: request → first text chunk`,
        ...cell(ttfb.providerDirect),
      ],
      ["Holdfast: POST …/messages → first `delta` event on the SSE stream", ...cell(ttfb.ours)],
      ["**Overhead** (Holdfast − provider p50)", ...cell(ttfb.overhead)],
      ["Fake provider alone, answering at once", ...cell(instant.providerDirect)],
      ["Holdfast, same reply from the instant provider", ...cell(instant.ours)],
      ["**Overhead** (Holdfast − provider p50)", ...cell(instant.overhead)],
    ],
    ["l", "r", "r", "r", "r"],
  );

  // 2. Throughput
  const directRows = throughput.direct.map((p) => {
    const window = (p.doneAt - p.firstContentAt) / 1000;
    return { chunks: p.contentChunks, chars: p.chars, bytes: p.bytes, window };
  });
  const sseRows = throughput.runs.map(({ run }) => {
    const window = ((run.stream.lastDeltaAt ?? NaN) - (run.stream.firstDeltaAt ?? NaN)) / 1000;
    return { chunks: run.stream.deltas, chars: run.stream.text.length, bytes: run.stream.bytes, window };
  });
  const sdkRows = throughput.sdk.map((x) => ({
    chunks: x.deltas,
    chars: x.chars,
    window: (x.lastAt - x.firstAt) / 1000,
  }));
  const consumedRows = throughput.runs.map(({ timeline, provider }) => ({
    chunks: s.throughput.chunks,
    chars: textOf("throughput").length,
    window: (timeline.lastDeltaFlushAt - (provider.firstByteAt ?? NaN)) / 1000,
  }));
  const med = <T extends { window: number }>(rows: T[], pick: (row: T) => number) =>
    median(rows.map((row) => pick(row) / row.window));
  const directChunksPerSecond = med(directRows, (r) => r.chunks);
  const directCharsPerSecond = med(directRows, (r) => r.chars);
  const directBytesPerSecond = med(directRows, (r) => r.bytes);
  const sdkChunksPerSecond = med(sdkRows, (r) => r.chunks);
  const sdkCharsPerSecond = med(sdkRows, (r) => r.chars);
  const consumedChunksPerSecond = med(consumedRows, (r) => r.chunks);
  const consumedCharsPerSecond = med(consumedRows, (r) => r.chars);
  const sseEventsPerSecond = med(sseRows, (r) => r.chunks);
  const sseCharsPerSecond = med(sseRows, (r) => r.chars);
  const sseBytesPerSecond = med(sseRows, (r) => r.bytes);
  const sseEvents = median(sseRows.map((r) => r.chunks));
  const postToEnd = median(throughput.runs.map(({ run }) => (run.stream.endAt ?? NaN) - run.sent.startedAt));
  const lastDeltaToEnd = median(
    throughput.runs.map(({ run }) => (run.stream.endAt ?? NaN) - (run.stream.lastDeltaAt ?? NaN)),
  );
  const directTotal = median(throughput.direct.map((p) => p.doneAt - p.startedAt));
  const bytesCell = (value: number) => (Number.isFinite(value) ? `${rate(value / 1024)} KiB/s` : "–");
  const throughputTable = table(
    [
      "Per stream (median of runs)",
      "Runs",
      "Chunks or events",
      "Window ms",
      "Chunks/s",
      "Text chars/s",
      "Wire bytes/s",
    ],
    [
      [
        "Fake provider alone, read by the bench (first → last text chunk)",
        String(directRows.length),
        String(median(directRows.map((r) => r.chunks))),
        ms(median(directRows.map((r) => r.window * 1000))),
        rate(directChunksPerSecond),
        rate(directCharsPerSecond),
        bytesCell(directBytesPerSecond),
      ],
      [
        `AI SDK alone in the bench process (\`streamText\`, \`@ai-sdk/openai\` chat model): first → last text delta`,
        String(sdkRows.length),
        String(median(sdkRows.map((r) => r.chunks))),
        ms(median(sdkRows.map((r) => r.window * 1000))),
        rate(sdkChunksPerSecond),
        rate(sdkCharsPerSecond),
        "–",
      ],
      [
        "Fake provider as Holdfast's generation step consumed it (provider's first byte → last delta flush)",
        String(consumedRows.length),
        String(s.throughput.chunks),
        ms(median(consumedRows.map((r) => r.window * 1000))),
        rate(consumedChunksPerSecond),
        rate(consumedCharsPerSecond),
        "–",
      ],
      [
        "Holdfast SSE, one client (first → last `delta` event)",
        String(sseRows.length),
        `${sseEvents} events`,
        ms(median(sseRows.map((r) => r.window * 1000))),
        `${rate(sseEventsPerSecond)} events/s`,
        rate(sseCharsPerSecond),
        bytesCell(sseBytesPerSecond),
      ],
    ],
    ["l", "r", "r", "r", "r", "r", "r"],
  );

  // 3. Resume
  const resumeTable = table(
    ["Measurement", "Samples", "p50 ms", "p99 ms", "mean ms"],
    [
      [
        `Finished generation (${resume.lastSeq} events), \`Last-Event-ID\` in the middle: open → first event`,
        ...cell(resume.finishedFirst),
      ],
      ["… open → its `end` event (the rest of the stream, ~half of it)", ...cell(resume.finishedAll)],
      [
        "Floor: the route's page query (`seq > N ORDER BY seq LIMIT 500`) on a bare `pg` client",
        ...cell(resume.floorQuery),
      ],
      [
        `Live generation (one persisted chunk every ${s.live.chunkDelayMs} ms): resume 5 events behind the head → first event`,
        ...cell(resume.liveBehind),
      ],
      ["Live generation: resume at the head → the next event (waits for it to be produced)", ...cell(resume.liveHead)],
    ],
    ["l", "r", "r", "r", "r"],
  );

  // 4. Concurrent
  const minimumEnd = s.concurrent.firstChunkDelayMs + (s.concurrent.chunks - 1) * s.concurrent.chunkDelayMs;
  const concurrentTable = table(
    ["Per client", "Samples", "p50 ms", "p99 ms", "mean ms", "max ms"],
    [
      ["Send: POST …/messages → 202", ...cell(concurrent.send), ms(concurrent.send.max)],
      ["POST sent → first `delta` event", ...cell(concurrent.firstDelta), ms(concurrent.firstDelta.max)],
      ["POST sent → `end` event", ...cell(concurrent.end), ms(concurrent.end.max)],
      [
        "… of which engine run created → engine calls the app (waiting for a worker slot)",
        ...cell(concurrent.stages.schedule),
        ms(concurrent.stages.schedule.max),
      ],
      [
        `Provider's first byte → last delta flushed (the provider sends it all in ${minimumEnd - s.concurrent.firstChunkDelayMs} ms)`,
        ...cell(concurrent.consume),
        ms(concurrent.consume.max),
      ],
      [
        "Last delta flushed → `end` event at the client (checkpoint, finalize step)",
        ...cell(concurrent.finalize),
        ms(concurrent.finalize.max),
      ],
    ],
    ["l", "r", "r", "r", "r", "r"],
  );
  // Stage breakdown
  const stageTable = table(
    [
      "Stage (medians and p99 over generations)",
      `Sequential, provider ${s.ttfb.firstChunkDelayMs} ms: p50`,
      "p99",
      "Sequential, instant provider: p50",
      "p99",
      `${concurrent.streams} concurrent: p50`,
      "p99",
    ],
    STAGES.map(([id, label]) => [
      id === "total" ? `**${label}**` : label,
      ms(ttfb.stages[id].p50),
      ms(ttfb.stages[id].p99),
      ms(instant.stages[id].p50),
      ms(instant.stages[id].p99),
      ms(concurrent.stages[id].p50),
      ms(concurrent.stages[id].p99),
    ]),
    ["l", "r", "r", "r", "r", "r", "r"],
  );

  const floorTable = table(
    ["Bare PostgreSQL, one client (the floor of one persisted chunk)", "Samples", "p50 ms", "p99 ms", "mean ms"],
    [
      ["Flush transaction: BEGIN; UPDATE … RETURNING; INSERT chunk; SELECT pg_notify; COMMIT", ...cell(floor.flush)],
      ["COMMIT sent → a LISTENing connection receives the notification", ...cell(floor.commitToWake)],
    ],
    ["l", "r", "r", "r", "r"],
  );

  const probeSection = renderProbe(probe);

  const ratioLines = [
    `- TTFB overhead over the provider (${s.ttfb.firstChunkDelayMs} ms first byte): **${ms(ttfb.overhead.p50)} ms** p50, ` +
      `${ms(ttfb.overhead.p99)} ms p99 — Holdfast's first byte p50 is **${ratio(ttfb.ours.p50 / ttfb.providerDirect.p50)}** the provider's`,
    `- Chunk rate: Holdfast's generation step consumed the provider at ${rate(consumedChunksPerSecond)} chunks/s, ` +
      `**${ratio(consumedChunksPerSecond / sdkChunksPerSecond)}** the AI SDK's own rate (${rate(sdkChunksPerSecond)}/s); ` +
      `a bare reader drains the fake ${ratio(directChunksPerSecond / consumedChunksPerSecond)} faster; its SSE client received the text at ` +
      `${rate(sseCharsPerSecond)} chars/s in ${sseEvents} events (${rate(textOf("throughput").length / sseEvents)} chars each, ` +
      `${ratio(s.throughput.chunks / sseEvents)} fewer events than provider chunks)`,
    `- Resume from the middle of a finished stream, first event p50 ÷ the bare page query p50: **${ratio(resume.finishedFirst.p50 / resume.floorQuery.p50)}**`,
    `- ${concurrent.streams} concurrent streams: send p99 ÷ sequential send p50: **${ratio(concurrent.send.p99 / ttfb.stages.send.p50)}**; ` +
      `end p99 ÷ the reply's own duration (${minimumEnd} ms): **${ratio(concurrent.end.p99 / minimumEnd)}**`,
  ];

  const contention =
    input.otherCores >= 0.25
      ? `> ⚠ **Shared machine:** other processes used ${input.otherCores.toFixed(2)} of ${os.availableParallelism()} cores on ` +
        "average during the timed phases, so latencies here are inflated by that contention; stage shares and ratios " +
        "carry over better than absolute figures. Re-run on an idle machine for absolute numbers.\n\n"
      : "";

  const failuresLine =
    concurrent.failures.length === 0
      ? `**Failures: 0** of ${concurrent.streams} (every send answered 202; every stream ended \`succeeded\` with ` +
        "exactly the provider's text and contiguous ids)."
      : `**Failures: ${concurrent.failures.length}** of ${concurrent.streams}: ${[...new Set(concurrent.failures)].slice(0, 3).join("; ")}`;

  const waits = concurrent.waits
    .slice(0, 5)
    .map((w) => `${w.event} ${w.average.toFixed(1)}`)
    .join(", ");

  return `## Conversations: streaming path vs the provider it streams from

${contention}Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} in ${input.seconds.toFixed(0)} s (plus ${input.buildSeconds.toFixed(0)} s checking or making the build; 1-minute load average ${input.load} on ${os.availableParallelism()} cores)${input.quick ? " — **quick smoke run (`--quick`): few samples, numbers are indicative only**" : ""}.

${ratioLines.join("\n")}

### 1. Time to first byte

${ttfbTable}

The provider rows are the fake OpenAI server streaming the same scripted reply straight to the bench process; the
fake's own clock (request arrival → first byte) for Holdfast's requests gave p50 ${ms(ttfb.providerAsSeen.p50)} ms (${ms(instant.providerAsSeen.p50)} ms
instant), so the provider behaved the same for both clients. Overhead rows subtract the provider-alone p50 from each
Holdfast sample.

### 2. Chunk throughput of one stream

${throughputTable}

A ${s.throughput.chunks}-chunk reply (${textOf("throughput").length.toLocaleString("en-US")} characters, ${s.throughput.chunkChars} per chunk) with no delay between chunks.
Holdfast does not forward provider chunks one by one: the generation step buffers deltas and persists them as one
chunk when ${FLUSH_MS} ms have passed since the last flush or ${FLUSH_CHARS.toLocaleString("en-US")} characters are waiting, and only persisted chunks are
sent — here ${sseEvents} SSE events for ${s.throughput.chunks.toLocaleString("en-US")} provider chunks. POST → \`end\` took ${ms(postToEnd)} ms (the fake alone:
${ms(directTotal)} ms for the whole reply); last \`delta\` → \`end\` (checkpointing the step, the finalize step and its
transaction) ${ms(lastDeltaToEnd)} ms.

### 3. Resume latency

${resumeTable}

Resume points are uniform in the middle half of the finished stream (events of ~${rate(resume.chunkBytes / 1024)} KiB: each
provider chunk of ${s.finished.chunkChars.toLocaleString("en-US")} characters is over the flush threshold, so it is persisted as its own chunk). The live
generation streamed ${resume.liveChunks} delta events in ${resume.liveSeconds.toFixed(1)} s while the bench alternated the two live resumes;
samples taken after it ended are discarded.

### 4. ${concurrent.streams} concurrent streams

${concurrentTable}

${failuresLine} All ${concurrent.streams} clients start at once, each in its own conversation with its own
\`Idempotency-Key\`; each reply is ${s.concurrent.chunks} chunks ${s.concurrent.chunkDelayMs} ms apart after a ${s.concurrent.firstChunkDelayMs} ms first byte, so a stream cannot end before
~${minimumEnd} ms. All streams were done after ${concurrent.wallSeconds.toFixed(1)} s. At most ${concurrent.providerInFlight} provider requests were open at
once (by the fake's clock) and ${concurrent.runsInFlight} engine runs were started but not ended. Engine calls per run: ${[
    ...concurrent.callsPerRun.entries(),
  ]
    .sort((a, b) => a[0] - b[0])
    .map(([calls, runs]) => `${calls} call${calls > 1 ? "s" : ""} × ${runs} runs`)
    .join(
      ", ",
    )} (sequential TTFB runs: ${input.ttfb.calls.p50 === input.ttfb.calls.max ? `all ${input.ttfb.calls.max}` : `p50 ${input.ttfb.calls.p50}, max ${input.ttfb.calls.max}`}); ${concurrent.stepErrors} step attempts failed and were retried; ${concurrent.expiredTransactions}
Prisma transactions expired (P2028). Delta chunks (= flush transactions) per generation: p50 ${concurrent.deltaChunks.p50}, max
${concurrent.deltaChunks.max}, for ${s.concurrent.chunks} provider chunks. Cores busy during the phase: next server ${concurrent.cpu.server.toFixed(2)}, engine
${concurrent.cpu.engine.toFixed(2)}, PostgreSQL ${concurrent.cpu.postgres.toFixed(2)}, bench process (clients and the fake provider)
${concurrent.cpu.bench.toFixed(2)}; ${concurrent.cpu.machine.toFixed(2)} of ${os.availableParallelism()} in all. Active PostgreSQL sessions by wait event (mean of
${concurrent.waitSamples} samples of \`pg_stat_activity\`, 20 ms apart): ${waits || "–"}. The web server's sessions (pool of 20 plus
its LISTEN connection): ${concurrent.sessions.appOpen.toFixed(1)} open on average, ${concurrent.sessions.appActive.toFixed(1)} running a statement (${concurrent.sessions.appLockWaits.toFixed(1)} of them waiting
on a lock${lockWaitersText(concurrent.sessions)}), ${concurrent.sessions.appIdleInTransaction.toFixed(1)} idle in a transaction (an interactive transaction open while the
web server works or waits for CPU); the engine's: ${concurrent.sessions.engineActive.toFixed(1)} running a statement.

### Where the time goes

${stageTable}

Stage boundaries come from three clocks on the same machine: the bench (send, SSE receipt), PostgreSQL
(\`engine.runs.created_at/started_at\`, \`generations.started_at\`, and the first delta chunk's \`created_at\`, which is
its flush transaction's start) and the fake provider (request arrival, first byte; millisecond resolution).

${floorTable}

${interpret(input)}

${probeSection}

### Method

- **Product:** the production build (\`next build\` into \`${BENCH_DIST_DIR}\`) served by \`next start\`
  (\`NODE_ENV=production\`, \`LOG_LEVEL=info\` to a file, \`HOLDFAST_DB_POOL_SIZE\` default 20) and the engine
  (\`engine/main.ts\`) with its production settings (${Object.entries(ENGINE_PRODUCTION_ENV)
    .map(([k, v]) => `\`${k}=${v}\``)
    .join(", ")}), wired by signing and event keys as \`npm start\` does,
  against a separate embedded PostgreSQL ${input.postgresVersion} cluster (\`.holdfast/bench-conversations-pg\`, default settings, fsync on)
  and a database \`${DATABASE}\` dropped, recreated and migrated at the start of every run.
- **Provider:** \`tests/fakes/openai-server.ts\`, a real HTTP server in the bench process, set as
  \`OPENAI_BASE_URL\` with \`OPENAI_API_KEY\` and \`HOLDFAST_DEFAULT_MODEL=${MODEL}\`. Replies are scripted per message
  (chunks × delay, time to first byte) and are exact text, so every stream is checked against it.
- **Caller:** one user (member of workspace \`bench\`) seeded by \`holdfast seed-user … --token\`; all calls use its
  API token as \`Authorization: Bearer\` (no sign-in, no login rate limit). The workspace's \`plan_monthly_tokens\` is
  raised to 10¹² by SQL first (each send reserves context budget + max output tokens). Every generation runs in a fresh
  conversation (created untimed), so context building is the same each time.
- **Warm-up:** 3 sequential and 10 concurrent short generations, not measured.
- **1. TTFB:** ${params.providerSamples} direct streaming requests to the fake, then ${params.ttfbSamples} sequential sends, each timed from
  the start of \`POST …/messages\` to the first \`delta\` event on \`GET …/generations/{id}/stream\` (opened right after the
  202); the next send waits for the previous stream's \`end\`. Reply: ${s.ttfb.chunks} chunks of ${s.ttfb.chunkChars} characters,
  ${s.ttfb.chunkDelayMs} ms apart, first byte after ${s.ttfb.firstChunkDelayMs} ms; then the same with an instant provider (${params.instantSamples} sends).
- **2. Throughput:** ${params.throughputRuns} run(s) of a ${s.throughput.chunks}-chunk reply with no delay, read directly and through Holdfast (one
  SSE client per generation). Rates are medians over runs of count ÷ window; wire bytes include SSE framing.
- **3. Resume:** one finished generation of ${s.finished.chunks} chunks × ${s.finished.chunkChars.toLocaleString("en-US")} characters; ${params.resumeSamples} sequential streams
  opened with \`Last-Event-ID: N\`, N uniform in the middle half; the floor runs the route's page query for the same N
  on a bare \`pg\` connection. Live: a ${s.live.chunks}-chunk reply ${s.live.chunkDelayMs} ms apart followed by one reader; meanwhile up to
  ${params.liveResumeSamples} pairs of streams opened 5 events behind its head and at its head, each closed after its first event.
- **4. Concurrency:** ${params.streams} clients started together (send, then read the stream to \`end\`), conversations created
  beforehand; a failure is any non-202 send, stream error or timeout (120 s), non-\`succeeded\` end, wrong text or a gap
  in ids.
- **Floor:** ${params.floorSamples} sequential flush-shaped transactions on a bare \`pg\` client to a scratch database of the same
  cluster (after 20 of warm-up), with a second connection LISTENing to the channel.
- **Statements:** pg_stat_statements (preloaded, tracking \`top\` only during the probe) over ${probe.generations} sequential
  generations of the TTFB reply, each with one SSE reader, all processes' statements on the bench database counted.`;
}

function lockWaitersText(sessions: Sessions): string {
  const top = sessions.lockWaiters.slice(0, 3).filter((w) => w.share >= 0.05);
  if (top.length === 0) return "";
  return `: ${top.map((w) => `\`${w.statement}\` ${Math.round(100 * w.share)}%`).join(", ")}`;
}

function renderProbe(probe: Probe): string {
  const total = probe.statements.reduce((sum, st) => sum + st.calls, 0);
  const idleScale = probe.seconds / probe.idleSeconds;
  const key = (query: string) => `${/\bengine\./.test(query) ? "engine: " : ""}${describeStatement(query)}`;
  const grouped = new Map<string, { calls: number; idle: number; execMs: number }>();
  for (const st of probe.statements) {
    const entry = grouped.get(key(st.query)) ?? { calls: 0, idle: 0, execMs: 0 };
    entry.calls += st.calls;
    entry.execMs += st.totalExecMs;
    grouped.set(key(st.query), entry);
  }
  // The idle window's statements, scaled to the probe's duration: what the engine would have issued anyway.
  for (const st of probe.idleStatements) {
    const entry = grouped.get(key(st.query)) ?? { calls: 0, idle: 0, execMs: 0 };
    entry.idle += st.calls * idleScale;
    grouped.set(key(st.query), entry);
  }
  const per = (value: number) => value / probe.generations;
  const net = (g: { calls: number; idle: number }) => Math.max(0, g.calls - g.idle);
  const netOf = (pattern: RegExp) =>
    per([...grouped.entries()].filter(([k]) => pattern.test(k)).reduce((sum, [, g]) => sum + net(g), 0));
  const netTotal = per([...grouped.values()].reduce((sum, g) => sum + net(g), 0));
  const sorted = [...grouped.entries()].filter(([, g]) => g.calls > 0).sort((a, b) => net(b[1]) - net(a[1]));
  const shown = sorted.slice(0, 20);
  const rest = sorted.slice(20);
  const rows = shown.map(([k, g]) => [
    `\`${k.replaceAll("|", "\\|")}\``,
    per(g.calls).toFixed(1),
    per(net(g)).toFixed(1),
    ms(g.execMs / g.calls),
  ]);
  if (rest.length > 0) {
    const calls = rest.reduce((sum, [, g]) => sum + g.calls, 0);
    const execMs = rest.reduce((sum, [, g]) => sum + g.execMs, 0);
    rows.push([
      `${rest.length} other statements (the send, context build, finalize and engine run: mostly once each)`,
      per(calls).toFixed(1),
      per(rest.reduce((sum, [, g]) => sum + net(g), 0)).toFixed(1),
      ms(execMs / calls),
    ]);
  }
  return `### Statements per generation

${probe.generations} sequential generations of the TTFB reply (${SCRIPTS.probe.chunks} provider chunks ${SCRIPTS.probe.chunkDelayMs} ms apart) with one SSE reader each, all
processes: **${per(total).toFixed(0)} statements per generation** as counted over ${probe.seconds.toFixed(1)} s. The engine polls even with nothing to do —
${probe.idlePerSecond.toFixed(0)} statements/s over a 2 s idle window (claim queries, a claim transaction for concurrency-limited functions,
cron and outbox checks) — and net of that rate a generation costs **${netTotal.toFixed(0)} statements**, of which ${netOf(/^BEGIN$/).toFixed(0)}
transactions (BEGIN … COMMIT), ${netOf(/pg_notify/).toFixed(0)} \`pg_notify\` and ${netOf(/INSERT INTO generation_chunks/).toFixed(0)} chunk INSERTs (status and end chunks
included); the SSE reader re-reads its chunks and the generation row on every notification, and the cancel watcher reads
the generation row again.

${table(["statement", "per generation", "net of idle polling", "server exec ms (mean)"], rows, ["l", "r", "r", "r"])}`;
}

function interpret(input: RenderInput): string {
  const { ttfb, instant, throughput, resume, concurrent, floor } = input;
  const st = ttfb.stages;
  const lines: string[] = [];
  const share = (id: StageId) => `${Math.round((100 * st[id].p50) / Math.max(1e-9, ttfb.overhead.p50))}%`;
  lines.push(
    `- **Sequential TTFB.** Of the ${ms(ttfb.overhead.p50)} ms p50 that Holdfast adds before the first delta, the send ` +
      `itself (POST → engine run exists: the idempotent send transaction, then the outbox relay to the engine, which the ` +
      `route awaits before answering) takes ${ms(st.toRun.p50)} ms (${share("toRun")}); the engine's scheduling (run ` +
      `created → call to the app) ${ms(st.schedule.p50)} ms; the SDK request and the \`start\` step ${ms(st.startStep.p50)} ms; ` +
      `the \`stream-reply\` step's preparation up to the provider request ${ms(st.toProvider.p50)} ms; after the provider's ` +
      `first byte, ${ms(st.toFlush.p50)} ms until the first flush begins and ${ms(st.toClient.p50)} ms from there to the ` +
      `client (commit, NOTIFY, the reader's re-query, HTTP). The floor of that last part is one flush transaction ` +
      `(${ms(floor.flush.p50)} ms p50 on a bare connection) plus the notification (${ms(floor.commitToWake.p50)} ms).`,
  );
  lines.push(
    `- **Batching is push-driven.** With an instant provider the first byte arrives right after the writer is created, and ` +
      `the first delta waits ${ms(instant.stages.toFlush.p50)} ms p50 for its flush (vs ${ms(st.toFlush.p50)} ms when the provider ` +
      `took ${SCRIPTS.ttfb.firstChunkDelayMs} ms): a flush only happens when a *new* delta arrives ${FLUSH_MS} ms after the last ` +
      "flush, or at the end. There is no timer, so a delta received just before the provider goes quiet (a slow " +
      "token, a pause before a tool call) stays unpersisted — and invisible to every client — until the next delta or " +
      "the end of the call, however long that is.",
  );
  const consumed = median(
    throughput.runs.map(({ timeline, provider }) => timeline.lastDeltaFlushAt - (provider.firstByteAt ?? NaN)),
  );
  const sdkWindow = median(throughput.sdk.map((x) => x.lastAt - x.firstAt));
  const flushes = median(throughput.runs.map((r) => r.timeline.deltaChunks));
  lines.push(
    `- **Throughput.** The AI SDK alone turns the ${SCRIPTS.throughput.chunks} provider chunks into text deltas in ` +
      `${ms(sdkWindow)} ms in the bench process; the generation step took ${ms(consumed)} ms from the provider's first byte ` +
      `to its last flush. The step awaits each flush inside its read loop — the provider stream is not read while a ` +
      `flush transaction runs — and made ${flushes} of them (about ${rate(FLUSH_CHARS)} characters each), so ` +
      `~${ms(Math.max(0, consumed - sdkWindow) / Math.max(1, flushes))} ms per flush (a rough estimate: the SDK was timed in another process) is the step's own cost on top of ` +
      `the SDK (an interactive Prisma transaction of 5 round trips; ${ms(floor.flush.p50)} ms on a bare connection), ` +
      "plus the web server's other work on the same event loop. Clients get a few large events rather than one per token, " +
      "as designed; the text rate is the figure to compare.",
  );
  lines.push(
    `- **Resume** costs one authenticated request plus the page query: first event p50 ${ms(resume.finishedFirst.p50)} ms ` +
      `vs ${ms(resume.floorQuery.p50)} ms for the query alone; live, 5 behind the head, ${ms(resume.liveBehind.p50)} ms, the same ` +
      `path. At the head the reader waits for the next chunk (${SCRIPTS.live.chunkDelayMs} ms cadence): p50 ` +
      `${ms(resume.liveHead.p50)} ms, p99 ${ms(resume.liveHead.p99)} ms.`,
  );
  const cs = concurrent.stages;
  const workers = Number(ENGINE_PRODUCTION_ENV.HOLDFAST_ENGINE_WORKERS);
  const causes: string[] = [];
  if (concurrent.streams > workers)
    causes.push(
      `**worker slots** — the engine runs at most ${workers} calls at once per process and, with the SDK's ` +
        "checkpointing, one call carries the whole function (start, the streamed reply, finalize), so a slot is held " +
        `for the whole reply and generations beyond ${workers} wait for one: run created → call p50 ${ms(cs.schedule.p50)} ms, ` +
        `p99 ${ms(cs.schedule.p99)} ms (sequential p50 ${ms(st.schedule.p50)} ms); at most ${concurrent.providerInFlight} provider ` +
        "requests were open at once",
    );
  const sequentialRatio = SCRIPTS.ttfb.chunks / Math.max(1, ttfb.deltaChunks.p50);
  const concurrentRatio = SCRIPTS.concurrent.chunks / Math.max(1, concurrent.deltaChunks.p50);
  if (concurrentRatio < sequentialRatio * 0.75) {
    causes.push(
      `**batching collapses under load** — each generation wrote p50 ${concurrent.deltaChunks.p50} delta chunks for ` +
        `${SCRIPTS.concurrent.chunks} provider chunks (sequentially ${ttfb.deltaChunks.p50} for ${SCRIPTS.ttfb.chunks}): the ` +
        `step awaits each flush in its read loop, so once a flush takes longer than ${FLUSH_MS} ms the next delta ` +
        "finds the window already expired and is flushed alone — one transaction and one NOTIFY per token, more load " +
        `exactly when the database is slow; consuming a reply the provider sends in ` +
        `${(SCRIPTS.concurrent.chunks - 1) * SCRIPTS.concurrent.chunkDelayMs} ms took p50 ${ms(concurrent.consume.p50)} ms`,
    );
  }
  const split = [...concurrent.callsPerRun.entries()]
    .filter(([calls]) => calls > 1)
    .reduce((n, [, runs]) => n + runs, 0);
  if (split > 0) {
    causes.push(
      `**the checkpointing runtime limit** — the Inngest SDK stops checkpointing a serve request after its default ` +
        `\`maxRuntime\` of 10 s; ${split} of ${concurrent.streams} runs outlived it and returned after \`stream-reply\`, so ` +
        "`finalize` ran as a separate engine call, queued (FIFO by due time) behind every run still waiting for its " +
        `first call: last delta → \`end\` p50 ${ms(concurrent.finalize.p50)} ms, p99 ${ms(concurrent.finalize.p99)} ms`,
    );
  }
  const quota = concurrent.sessions.lockWaiters
    .filter((w) => /quota_periods/.test(w.statement))
    .reduce((sum, w) => sum + w.share, 0);
  causes.push(
    "**the workspace's quota row** — every send UPDATEs the one `quota_periods` row of its workspace early in its " +
      "transaction and holds the lock through the message, generation, chunk, NOTIFY and outbox writes until COMMIT, " +
      "and every finalize UPDATEs it again (settling) before its end chunk; so sends and finalizes of one workspace " +
      `commit one at a time: send p50 ${ms(concurrent.send.p50)} ms, p99 ${ms(concurrent.send.p99)} ms (sequential p50 ` +
      `${ms(st.send.p50)} ms); ${Math.round(100 * quota)}% of the web server's lock waits sampled were on that row` +
      (concurrent.expiredTransactions > 0
        ? `; ${concurrent.expiredTransactions} interactive transactions outlived Prisma's 5 s default timeout (P2028 in ` +
          `the server log) and ${concurrent.stepErrors} step attempts were retried by the engine after backoff`
        : ""),
  );
  lines.push(
    `- **${concurrent.streams} concurrent streams.** ${concurrent.failures.length === 0 ? "No stream failed, but latency" : "Latency"} compounds from:`,
    ...causes.map((cause, index) => `  ${index + 1}. ${cause}.`),
    `  The web server process itself used only ${concurrent.cpu.server.toFixed(2)} cores: it mostly waits — for pool ` +
      `connections (${concurrent.sessions.appOpen.toFixed(1)} of its 21 sessions open on average, ` +
      `${concurrent.sessions.appIdleInTransaction.toFixed(1)} idle inside a transaction), for row locks and for the engine.`,
  );
  return lines.join("\n");
}
