// The API section of `npm run bench`: authenticated GET /api/v1/me and the idempotent invitation POST under
// 50 concurrent clients, next to a raw `SELECT 1` to the same PostgreSQL, all measured in one run.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { AutocannonClient } from "autocannon";
import pg from "pg";
import { PrismaClient } from "@/lib/db/generated/client.ts";
import { defer } from "./lib/cleanup";
import type { CpuWindow } from "./lib/cpu";
import { cpuWindow } from "./lib/cpu";
import { table } from "./lib/doc";
import { expectStatus, signIn } from "./lib/http";
import { type LoadResult, type LoadSpec, runLoad } from "./lib/load";
import {
  BENCH_PG_DIR,
  BENCH_PG_PORT,
  freshDatabase,
  readStatements,
  resetStatements,
  type StatementStat,
  serverVersion,
  setStatementTracking,
  startBenchCluster,
} from "./lib/postgres";
import { progress } from "./lib/progress";
import { seedUserViaCli } from "./lib/seed";
import { BENCH_DIST_DIR, ensureBuild, startServer, waitForQuietLog } from "./lib/server";
import { ms, rate, ratio, type Summary, summarize } from "./lib/stats";

export type ApiBenchOptions = {
  quick?: boolean;
  /** Rebuild the app even when the bench build looks current. */
  rebuild?: boolean;
  /** Never build; measure whatever build exists (warns when it is stale). */
  noBuild?: boolean;
};

const CONNECTIONS = 50;
const DATABASE = "holdfast_bench";
const PASSWORD = "bench-password-0123456789";

const FULL = {
  warmupSeconds: 3,
  measureSeconds: 10,
  sequentialSeconds: 4,
  selectQueries: 5000,
  prismaQueries: 2000,
  poolSeconds: 5,
  probeRequests: 20,
};
const QUICK = {
  warmupSeconds: 1,
  measureSeconds: 3,
  sequentialSeconds: 1,
  selectQueries: 1000,
  prismaQueries: 500,
  poolSeconds: 2,
  probeRequests: 10,
};
type Params = typeof FULL;

type Row = {
  label: string;
  concurrency: number;
  summary: Summary;
  /** Which SELECT 1 this row's p50 is divided by. */
  baseline: "sequential" | "pool";
  unexpected?: number;
  errors?: number;
  statements?: number;
  cpu?: CpuWindow;
};

type Probe = { label: string; requests: number; statements: StatementStat[] };

export async function runApiBench(options: ApiBenchOptions = {}): Promise<string> {
  const params = options.quick ? QUICK : FULL;
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  await ensureBuild({ force: options.rebuild, skip: options.noBuild });

  progress(
    `starting the bench PostgreSQL cluster (${path.relative(process.cwd(), BENCH_PG_DIR)}, port ${BENCH_PG_PORT})`,
  );
  const cluster = await startBenchCluster();
  const stopCluster = defer("bench PostgreSQL cluster", () => cluster.stop());
  let stopServer: (() => Promise<void>) | undefined;
  try {
    const postgresVersion = await serverVersion(cluster.adminUrl);
    const databaseUrl = await freshDatabase(cluster.adminUrl, DATABASE);
    progress(`fresh migrated database ${DATABASE} on PostgreSQL ${postgresVersion}`);

    const email = `bench-${randomBytes(3).toString("hex")}@bench.test`;
    // Seeding (a CLI process) and starting the server both only need the database: do them side by side.
    const serverStarting = startServer({ databaseUrl }).then((started) => {
      stopServer = defer("next start", started.stop);
      return started;
    });
    const seeding = seedUserViaCli({ databaseUrl, email, password: PASSWORD, workspace: "bench", roles: ["admin"] });
    const [seededResult, serverResult] = await Promise.allSettled([seeding, serverStarting]);
    if (seededResult.status === "rejected") throw seededResult.reason;
    if (serverResult.status === "rejected") throw serverResult.reason;
    const seeded = seededResult.value;
    const server = serverResult.value;
    progress(`seeded ${email} (admin of workspace "${seeded.workspace}") with an API token`);
    progress(`next start (${BENCH_DIST_DIR}) ready at ${server.url}, pid ${server.pid}`);
    const cookie = await signIn(server.url, email, PASSWORD);
    progress("signed in through next-auth's credentials flow");

    const http = scenarios(server.url, cookie, seeded.token, seeded.workspace);
    await http.preflight();

    const rows: Row[] = [];
    // The physical floor first, with nothing else running.
    const postmasterPid = cluster.postmasterPid();
    rows.push(...(await measureSelectOne(databaseUrl, params, postmasterPid, server.pid)));

    // autocannon drops its sockets at the end of a window, but the server still works through what it had
    // accepted (answering into closed sockets): wait for that before the next window starts.
    const load = async (spec: LoadSpec, connections: number, seconds: number) => {
      const result = await runLoad(spec, { connections, seconds, serverPid: server.pid, postmasterPid });
      const drained = await waitForQuietLog(server.logPath);
      if (drained > 1000) progress(`  (server drained abandoned requests for ${(drained / 1000).toFixed(1)} s)`);
      return result;
    };
    const measure = async (label: string, spec: LoadSpec, sequentialToo: boolean) => {
      progress(`${label}: warm-up ${params.warmupSeconds} s at ${CONNECTIONS} connections`);
      check(label, await load(spec, CONNECTIONS, params.warmupSeconds), true);
      if (sequentialToo) {
        progress(`${label}: ${params.sequentialSeconds} s at 1 connection`);
        rows.push(toRow(label, 1, check(label, await load(spec, 1, params.sequentialSeconds))));
      }
      progress(`${label}: ${params.measureSeconds} s at ${CONNECTIONS} connections`);
      rows.push(toRow(label, CONNECTIONS, check(label, await load(spec, CONNECTIONS, params.measureSeconds))));
    };
    await measure("GET /api/health (no auth: route wrapper + 1 query)", http.health, true);
    await measure("GET /api/v1/me (cookie)", http.me, true);
    await measure("POST …/invitations, new key each (Bearer)", http.createInvitation, true);
    await measure("POST …/invitations, replay of one key (Bearer)", http.replayOneKey, true);
    await measure("POST …/invitations, replay, one key per connection", await http.replayKeyPerConnection(), false);

    progress(`round-trip probe: ${params.probeRequests} sequential requests of each kind with pg_stat_statements on`);
    const probes = await probeStatements(cluster.adminUrl, params.probeRequests, http);
    for (const row of rows) {
      const probe = probes.find((p) => row.label.startsWith(p.label));
      if (probe) row.statements = statementsPerRequest(probe);
    }

    const checks = await sanityChecks(databaseUrl);
    const seconds = (performance.now() - started) / 1000;
    progress(`API section done in ${seconds.toFixed(0)} s`);
    const loadAverage = `${loadAtStart.toFixed(2)} → ${(os.loadavg()[0] ?? 0).toFixed(2)}`;
    return render({
      params,
      rows,
      probes,
      checks,
      postgresVersion,
      seconds,
      load: loadAverage,
      quick: !!options.quick,
    });
  } finally {
    await stopServer?.();
    await stopCluster();
  }
}

function check(label: string, result: LoadResult, warmup = false): LoadResult {
  const bad = result.unexpected + result.errors;
  if (bad > 0) {
    progress(`  ${label}: ${bad} unexpected responses/errors ${JSON.stringify(result.statuses)}`);
  }
  if (warmup) return result; // a cold server may answer nothing within a short warm-up
  if (result.summary.count === 0) {
    progress(`  ${label}: no successful responses in the window ${JSON.stringify(result.statuses)}`);
  }
  const s = result.summary;
  progress(`  p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms, ${rate(s.perSecond)} req/s`);
  return result;
}

function toRow(label: string, concurrency: number, result: LoadResult): Row {
  return {
    label,
    concurrency,
    summary: result.summary,
    baseline: concurrency === 1 ? "sequential" : "pool",
    unexpected: result.unexpected,
    errors: result.errors,
    cpu: result.cpu,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The HTTP scenarios

function scenarios(base: string, cookie: string, token: string, workspace: string) {
  const invitations = `/api/v1/workspaces/${workspace}/invitations`;
  const bearer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const run = randomBytes(3).toString("hex");
  let counter = 0;
  const fresh = () => {
    counter++;
    return {
      key: `bench-${run}-${counter}`,
      body: JSON.stringify({ email: `invitee-${run}-${counter}@bench.test`, roles: ["member"] }),
    };
  };
  const replayKey = `bench-${run}-replay`;
  const replayBody = JSON.stringify({ email: `replay-${run}@bench.test`, roles: ["member"] });

  const health: LoadSpec = {
    url: base,
    expectStatus: 200,
    requests: [{ method: "GET", path: "/api/health" }],
  };
  const me: LoadSpec = {
    url: base,
    expectStatus: 200,
    requests: [{ method: "GET", path: "/api/v1/me", headers: { cookie } }],
  };
  const createInvitation: LoadSpec = {
    url: base,
    expectStatus: 201,
    requests: [
      {
        method: "POST",
        path: invitations,
        // A distinct Idempotency-Key and invitee per request.
        setupRequest: (request) => {
          const { key, body } = fresh();
          return { ...request, headers: { ...bearer, "idempotency-key": key }, body };
        },
      },
    ],
  };
  const replayOneKey: LoadSpec = {
    url: base,
    expectStatus: 201,
    requests: [
      { method: "POST", path: invitations, headers: { ...bearer, "idempotency-key": replayKey }, body: replayBody },
    ],
  };

  const post = (key: string, body: string, status: number) =>
    expectStatus(
      `${base}${invitations}`,
      { method: "POST", headers: { ...bearer, "idempotency-key": key }, body },
      status,
    );

  return {
    health,
    me,
    createInvitation,
    replayOneKey,
    /** Each connection replays its own (already completed) key: replay cost without one hot row. */
    async replayKeyPerConnection(): Promise<LoadSpec> {
      const keys = Array.from({ length: CONNECTIONS }, (_, i) => ({
        key: `bench-${run}-conn-${i}`,
        body: JSON.stringify({ email: `replay-${run}-conn-${i}@bench.test`, roles: ["member"] }),
      }));
      for (const { key, body } of keys) await post(key, body, 201);
      let next = 0;
      return {
        url: base,
        expectStatus: 201,
        requests: [{ method: "POST", path: invitations, headers: bearer, body: keys[0]?.body }],
        setupClient: (client: AutocannonClient) => {
          const { key, body } = keys[next++ % keys.length] as { key: string; body: string };
          client.setHeadersAndBody({ ...bearer, "idempotency-key": key }, body);
        },
      };
    },
    /** Each scenario answers as expected before anything is timed; the replay key is created here. */
    async preflight() {
      await expectStatus(`${base}/api/health`, {}, 200);
      await expectStatus(`${base}/api/v1/me`, { headers: { cookie } }, 200);
      const { key, body } = fresh();
      await post(key, body, 201);
      const first = await post(replayKey, replayBody, 201);
      if (first.response.headers.get("idempotent-replayed")) throw new Error("the first POST was already a replay");
      const again = await post(replayKey, replayBody, 201);
      if (again.response.headers.get("idempotent-replayed") !== "true" || again.text !== first.text) {
        throw new Error("the repeated POST was not a byte-identical replay");
      }
    },
    /** One request of each kind, for the statement probe. */
    probeRequests: {
      "GET /api/health": () => expectStatus(`${base}/api/health`, {}, 200),
      "GET /api/v1/me": () => expectStatus(`${base}/api/v1/me`, { headers: { cookie } }, 200),
      "POST …/invitations, new key": () => {
        const { key, body } = fresh();
        return post(key, body, 201);
      },
      "POST …/invitations, replay": () => post(replayKey, replayBody, 201),
    } as Record<string, () => Promise<unknown>>,
  };
}

// ---------------------------------------------------------------------------------------------------------
// SELECT 1: the round-trip floor

async function measureSelectOne(
  databaseUrl: string,
  params: Params,
  postmasterPid: number,
  serverPid: number,
): Promise<Row[]> {
  const rows: Row[] = [];

  progress(`SELECT 1: ${params.selectQueries} sequential queries on one pg.Client`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < 200; i++) await client.query("SELECT 1");
    rows.push({
      label: "SELECT 1, raw `pg` client",
      concurrency: 1,
      baseline: "sequential",
      ...(await timedLoop(params.selectQueries, () => client.query("SELECT 1"), serverPid, postmasterPid)),
    });
  } finally {
    await client.end();
  }

  progress(`SELECT 1: ${params.prismaQueries} sequential $queryRaw through Prisma + @prisma/adapter-pg`);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 1 }) });
  try {
    for (let i = 0; i < 200; i++) await prisma.$queryRaw`SELECT 1`;
    rows.push({
      label: "SELECT 1 via Prisma `$queryRaw` (the app's client stack)",
      concurrency: 1,
      baseline: "sequential",
      ...(await timedLoop(params.prismaQueries, () => prisma.$queryRaw`SELECT 1`, serverPid, postmasterPid)),
    });
  } finally {
    await prisma.$disconnect();
  }

  progress(`SELECT 1: ${CONNECTIONS} concurrent clients through a pg.Pool for ${params.poolSeconds} s`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  try {
    const opened = await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.connect()));
    for (const c of opened) c.release();
    await poolLoop(pool, 1, serverPid, postmasterPid); // warm-up
    rows.push({
      label: `SELECT 1, raw \`pg\` pool of ${CONNECTIONS}`,
      concurrency: CONNECTIONS,
      baseline: "pool",
      ...(await poolLoop(pool, params.poolSeconds, serverPid, postmasterPid)),
    });
  } finally {
    await pool.end();
  }
  for (const row of rows) progress(`  ${row.label}: p50 ${ms(row.summary.p50)} ms, ${rate(row.summary.perSecond)}/s`);
  return rows;
}

async function timedLoop(
  count: number,
  query: () => PromiseLike<unknown>,
  serverPid: number,
  postmasterPid: number,
): Promise<{ summary: Summary; cpu: CpuWindow }> {
  const latencies: number[] = [];
  const closeCpu = cpuWindow(serverPid, postmasterPid);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await query();
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  return { summary: summarize(latencies, seconds), cpu: closeCpu() };
}

async function poolLoop(
  pool: pg.Pool,
  seconds: number,
  serverPid: number,
  postmasterPid: number,
): Promise<{ summary: Summary; cpu: CpuWindow }> {
  const latencies: number[] = [];
  const closeCpu = cpuWindow(serverPid, postmasterPid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await pool.query("SELECT 1");
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { summary: summarize(latencies, elapsed), cpu: closeCpu() };
}

// ---------------------------------------------------------------------------------------------------------
// Where the time goes: statements per request (pg_stat_statements), sanity of what the load wrote

async function probeStatements(
  adminUrl: string,
  requests: number,
  http: ReturnType<typeof scenarios>,
): Promise<Probe[]> {
  const probes: Probe[] = [];
  await setStatementTracking(adminUrl, true);
  try {
    for (const [label, send] of Object.entries(http.probeRequests)) {
      await send(); // a first request may warm caches; not counted
      await resetStatements(adminUrl);
      for (let i = 0; i < requests; i++) await send();
      probes.push({ label, requests, statements: await readStatements(adminUrl, DATABASE) });
    }
  } finally {
    await setStatementTracking(adminUrl, false);
  }
  return probes;
}

const statementsPerRequest = (probe: Probe) => probe.statements.reduce((sum, s) => sum + s.calls, 0) / probe.requests;

/** "SELECT … FROM device_sessions", "INSERT INTO request_logs", "BEGIN": a readable name for a statement. */
export function describeStatement(query: string): string {
  const text = query.replace(/\s+/g, " ").trim();
  const name = (pattern: RegExp) =>
    pattern
      .exec(text)?.[1]
      ?.replace(/"public"\./g, "")
      .replaceAll('"', "");
  const verb = text.split(" ")[0]?.toUpperCase() ?? "";
  if (verb === "SELECT" || verb === "WITH") {
    const from = name(/\bFROM\s+("?[\w"]+"?(?:\."?\w+"?)?)/i);
    if (!from) return text.length > 60 ? `${text.slice(0, 57)}…` : text;
    const joins = (text.match(/\bJOIN\b/gi) ?? []).length;
    const forUpdate = /\bFOR UPDATE\b/i.test(text) ? " FOR UPDATE" : "";
    return `SELECT … FROM ${from}${joins ? ` (+${joins} join${joins > 1 ? "s" : ""})` : ""}${forUpdate}`;
  }
  if (verb === "INSERT") {
    const conflict = /ON CONFLICT/i.test(text) ? " … ON CONFLICT DO NOTHING" : "";
    return `INSERT INTO ${name(/INSERT INTO\s+("?[\w"]+"?(?:\."?\w+"?)?)/i) ?? "?"}${conflict}`;
  }
  if (verb === "UPDATE") return `UPDATE ${name(/UPDATE\s+("?[\w"]+"?(?:\."?\w+"?)?)/i) ?? "?"}`;
  if (verb === "DELETE") return `DELETE FROM ${name(/FROM\s+("?[\w"]+"?(?:\."?\w+"?)?)/i) ?? "?"}`;
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

type Checks = { invitations: number; replayInvitations: number; replayKeys: number; requestLogs: number };

async function sanityChecks(databaseUrl: string): Promise<Checks> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    return {
      invitations: await count("SELECT count(*) AS n FROM invitations"),
      replayInvitations: await count("SELECT count(*) AS n FROM invitations WHERE email LIKE 'replay-%'"),
      replayKeys: await count("SELECT count(DISTINCT email) AS n FROM invitations WHERE email LIKE 'replay-%'"),
      requestLogs: await count("SELECT count(*) AS n FROM request_logs"),
    };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The markdown section

function render(input: {
  params: Params;
  rows: Row[];
  probes: Probe[];
  checks: Checks;
  postgresVersion: string;
  seconds: number;
  /** 1-minute load average at the start and the end of the section. */
  load: string;
  quick: boolean;
}): string {
  const { params, rows, probes, checks } = input;
  const floor = (baseline: Row["baseline"]) =>
    rows.find((r) => r.label.startsWith("SELECT 1, raw") && r.baseline === baseline)?.summary.p50 ?? Number.NaN;
  const perRequest = (value: number | undefined, row: Row) =>
    value === undefined || row.summary.count === 0 ? "–" : ms(value / row.summary.count);

  const mainTable = table(
    [
      "Measurement",
      "Clients",
      "Samples",
      "p50 ms",
      "p99 ms",
      "mean ms",
      "req/s",
      "p50 ÷ SELECT 1 p50",
      "DB statements / req",
      "server CPU ms / req",
      "PG CPU ms / req",
    ],
    rows.map((row) => [
      row.label + ((row.unexpected ?? 0) + (row.errors ?? 0) > 0 ? ` (⚠ ${row.unexpected} unexpected)` : ""),
      String(row.concurrency),
      row.summary.count.toLocaleString("en-US"),
      ms(row.summary.p50),
      ms(row.summary.p99),
      ms(row.summary.mean),
      rate(row.summary.perSecond),
      row.label.startsWith("SELECT 1, raw") ? "1×" : ratio(row.summary.p50 / floor(row.baseline)),
      row.statements === undefined ? (row.label.startsWith("SELECT 1") ? "1" : "–") : row.statements.toFixed(1),
      row.label.startsWith("SELECT 1") ? "–" : perRequest(row.cpu?.serverMs, row),
      perRequest(row.cpu?.postgresMs, row),
    ]),
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );

  const find = (prefix: string, concurrency: number) =>
    rows.find((r) => r.label.startsWith(prefix) && r.concurrency === concurrency);
  const health1 = find("GET /api/health", 1);
  const me1 = find("GET /api/v1/me", 1);
  const me50 = find("GET /api/v1/me", CONNECTIONS);
  const post1 = find("POST …/invitations, new key", 1);
  const post50 = find("POST …/invitations, new key", CONNECTIONS);
  const replay1 = find("POST …/invitations, replay of one key", 1);
  const replay50 = find("POST …/invitations, replay of one key", CONNECTIONS);
  const replayPerConn = find("POST …/invitations, replay, one key per connection", CONNECTIONS);
  const prisma = rows.find((r) => r.label.startsWith("SELECT 1 via Prisma"));
  const seqFloor = floor("sequential");
  const poolFloor = floor("pool");

  const ratios = [
    ["GET /me p50 ÷ SELECT 1 p50, 1 client", me1, seqFloor],
    ["GET /me p50 ÷ SELECT 1 p50, 50 clients", me50, poolFloor],
    ["idempotent POST p50 ÷ SELECT 1 p50, 1 client", post1, seqFloor],
    ["idempotent POST p50 ÷ SELECT 1 p50, 50 clients", post50, poolFloor],
    ["idempotent POST p50 ÷ GET /me p50, 50 clients", post50, me50?.summary.p50 ?? Number.NaN],
    ["replay (one key) p50 ÷ new-key POST p50, 50 clients", replay50, post50?.summary.p50 ?? Number.NaN],
    [
      "replay (key per connection) p50 ÷ new-key POST p50, 50 clients",
      replayPerConn,
      post50?.summary.p50 ?? Number.NaN,
    ],
  ] as const;
  const ratioLines = ratios
    .filter(([, row]) => row)
    .map(([label, row, base]) => `- ${label}: **${ratio((row as Row).summary.p50 / base)}**`);

  const probeTables = probes.map((probe) => {
    const total = statementsPerRequest(probe);
    const grouped = new Map<string, { calls: number; execMs: number }>();
    for (const s of probe.statements) {
      const key = describeStatement(s.query);
      const entry = grouped.get(key) ?? { calls: 0, execMs: 0 };
      entry.calls += s.calls;
      entry.execMs += s.totalExecMs;
      grouped.set(key, entry);
    }
    const execPerRequest = probe.statements.reduce((sum, s) => sum + s.totalExecMs, 0) / probe.requests;
    const body = table(
      ["statement", "per request", "server exec ms (mean)"],
      [...grouped.entries()].map(([key, g]) => [
        `\`${key.replaceAll("|", "\\|")}\``,
        (g.calls / probe.requests).toFixed(2),
        ms(g.execMs / g.calls),
      ]),
      ["l", "r", "r"],
    );
    return `**${probe.label}** — ${total.toFixed(1)} statements per request, ${ms(execPerRequest)} ms of server-side execution in total:\n\n${body}`;
  });

  const interpretation = interpret({
    health1,
    me1,
    me50,
    post1,
    post50,
    replay1,
    replay50,
    replayPerConn,
    prisma,
    seqFloor,
    probes,
  });

  return `## API: request path vs a bare PostgreSQL round trip

${contentionWarning(rows)}Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} in ${input.seconds.toFixed(0)} s (1-minute load average ${input.load} on ${os.availableParallelism()} cores)${input.quick ? " — **quick smoke run (`--quick`): short durations, numbers are indicative only**" : ""}.

${mainTable}

${ratioLines.join("\n")}

"p50 ÷ SELECT 1 p50" divides by the raw \`pg\` SELECT 1 at the same concurrency (1 client: sequential
queries on one connection; 50 clients: a pool of 50). CPU columns are CPU time of the \`next start\` process tree
and of all PostgreSQL processes during the timed window, divided by the requests completed in it.

### Method

- **Database:** a separate embedded PostgreSQL ${input.postgresVersion} cluster (\`.holdfast/bench-api-pg\`, port
  ${BENCH_PG_PORT}, \`max_connections=300\`, otherwise default settings, fsync on), and a database \`${DATABASE}\`
  dropped, recreated and migrated with the app's own migrator at the start of every run.
- **App:** the production build (\`next build\` into \`${BENCH_DIST_DIR}\`, rebuilt when app sources are newer
  than it) served by \`next start\` with \`NODE_ENV=production\` and \`LOG_LEVEL=info\` (each request writes its JSON
  log line, to a file), default pool \`HOLDFAST_DB_POOL_SIZE=20\`, over loopback on 127.0.0.1.
- **Caller:** one user, admin of one workspace, created by \`npm run holdfast -- seed-user … --token\`. GET /me
  uses the session cookie from next-auth's real sign-in (csrf token → credentials callback); the POSTs use the
  workspace API token as \`Authorization: Bearer\`.
- **Load:** autocannon 9 in the bench process, HTTP/1.1 keep-alive, no pipelining, closed loop: ${CONNECTIONS}
  connections each sending its next request as soon as the previous answer arrives. Per scenario: a
  ${params.warmupSeconds} s warm-up at ${CONNECTIONS} connections (discarded), then ${params.sequentialSeconds} s at 1
  connection (unloaded latency) and ${params.measureSeconds} s at ${CONNECTIONS} connections. Latencies come from each
  response's hrtime (sub-millisecond), only for the expected status (200 / 201); any other status or socket error
  is counted and flagged in the table. req/s = expected responses ÷ wall time of the window.
- **Scenarios:** (0) \`GET /api/health\` (public; the route wrapper around one \`SELECT 1\`, the framework's
  floor); (a) \`GET /api/v1/me\` with the cookie; (b) \`POST /api/v1/workspaces/bench/invitations\`
  with a distinct \`Idempotency-Key\` and invitee email on every request (each creates an invitation); (c) the same
  POST replayed with one fixed key and body (created once before timing; every timed request is a replay of
  it); (d) a variant of (c) where each of the ${CONNECTIONS} connections replays its own completed key, to separate the
  replay path's own cost from contention on one idempotency row.
- **Floor:** \`SELECT 1\` from Node to the same database in the same run, before the HTTP load: ${params.selectQueries}
  sequential queries on one \`pg.Client\` (simple protocol); ${params.prismaQueries} sequential \`prisma.$queryRaw\`
  through the generated client and \`@prisma/adapter-pg\` (what every app query pays on top of the wire); and
  ${CONNECTIONS} concurrent loops on a \`pg.Pool\` of ${CONNECTIONS} for ${params.poolSeconds} s. Each after 200 (or 1 s) of warm-up.
- **Statements per request:** after the timed runs, pg_stat_statements (preloaded in the bench cluster, its
  tracking off during timing) is reset and ${params.probeRequests} sequential requests of each kind are sent; the
  statements recorded in \`${DATABASE}\` divided by the request count give the DB round trips per request (the app's
  driver sends one statement per round trip; BEGIN/COMMIT/SET count as statements).
- **Checks after the run:** ${checks.invitations.toLocaleString("en-US")} invitations were created in total; the
  replayed keys produced ${checks.replayInvitations} invitations for ${checks.replayKeys} distinct replay keys (must be equal:
  one object per key); ${checks.requestLogs.toLocaleString("en-US")} request-log rows were written.

### Where the time goes

${interpretation}

### Statements per request

${probeTables.join("\n\n")}`;
}

/** Flags a run where other work on the machine took a real share of the cores during the HTTP windows. */
function contentionWarning(rows: Row[]): string {
  let other = 0;
  let seconds = 0;
  for (const row of rows) {
    if (!row.cpu || row.label.startsWith("SELECT 1") || !row.summary.count) continue;
    const windowMs = (row.summary.count / row.summary.perSecond) * 1000;
    other += Math.max(0, row.cpu.machineBusyMs - row.cpu.serverMs - row.cpu.postgresMs - row.cpu.benchMs);
    seconds += windowMs;
  }
  const cores = seconds ? other / seconds : 0;
  if (cores < 0.25) return "";
  return (
    `> ⚠ **Shared machine:** other processes used ${cores.toFixed(2)} of ${os.availableParallelism()} cores on average ` +
    "during the timed HTTP windows, so latencies and req/s here are bounded by that contention. The statement " +
    "counts and, to a lesser degree, the CPU-per-request columns are the numbers that carry over; re-run on an " +
    "idle machine for absolute figures.\n\n"
  );
}

function cpuPerRequest(row: Row, field: "serverMs" | "postgresMs"): string {
  return row.cpu && row.summary.count ? ms(row.cpu[field] / row.summary.count) : "–";
}

function interpret(input: {
  health1?: Row;
  me1?: Row;
  me50?: Row;
  post1?: Row;
  post50?: Row;
  replay1?: Row;
  replay50?: Row;
  replayPerConn?: Row;
  prisma?: Row;
  seqFloor: number;
  probes: Probe[];
}): string {
  const { health1, me1, me50, post1, post50, replay1, replay50, replayPerConn, prisma, seqFloor, probes } = input;
  const lines: string[] = [];
  const prismaP50 = prisma?.summary.p50 ?? Number.NaN;
  const perProbe = (label: string) => {
    const probe = probes.find((p) => p.label.startsWith(label));
    return probe ? statementsPerRequest(probe) : Number.NaN;
  };
  const explain = (name: string, row: Row | undefined, statements: number) => {
    if (!row) return;
    const wire = statements * seqFloor;
    const viaPrisma = statements * prismaP50;
    lines.push(
      `- **${name}, 1 client:** p50 ${ms(row.summary.p50)} ms for ${statements.toFixed(1)} sequential statements. ` +
        `At the raw round trip (${ms(seqFloor)} ms) they would cost ${ms(wire)} ms, at Prisma's ` +
        `(${ms(prismaP50)} ms per \`$queryRaw\`) ${ms(viaPrisma)} ms — about ${Math.round((100 * viaPrisma) / row.summary.p50)}% ` +
        `of the request. The rest is the server's own work: its process used ${cpuPerRequest(row, "serverMs")} ms of CPU ` +
        "per request (Next.js routing and proxy, the route wrapper, session or token check, zod, Prisma query " +
        "building, JSON, logging).",
    );
  };
  explain("GET /api/health", health1, perProbe("GET /api/health"));
  explain("GET /me", me1, perProbe("GET /api/v1/me"));
  if (health1 && me1) {
    lines.push(
      `- **Auth and the workspace list** (GET /me − GET /api/health, 1 client): ` +
        `${ms(me1.summary.p50 - health1.summary.p50)} ms of p50 and ` +
        `${ms((me1.cpu?.serverMs ?? 0) / me1.summary.count - (health1.cpu?.serverMs ?? 0) / health1.summary.count)} ms of ` +
        "server CPU per request: the session cookie's JWE decode plus the device-session, user, membership and " +
        "workspace lookups. The health route is the framework's floor here: Next.js routing, the proxy, the route " +
        "wrapper and its request-log INSERT around one `SELECT 1`.",
    );
  }
  explain("New-key POST", post1, perProbe("POST …/invitations, new key"));
  explain("Replayed POST", replay1, perProbe("POST …/invitations, replay"));

  const saturation = (name: string, row: Row | undefined) => {
    if (!row?.cpu || row.summary.count === 0) return;
    const seconds = row.summary.count / row.summary.perSecond;
    const serverCores = row.cpu.serverMs / 1000 / seconds;
    const pgCores = row.cpu.postgresMs / 1000 / seconds;
    const benchCores = row.cpu.benchMs / 1000 / seconds;
    const machineCores = row.cpu.machineBusyMs / 1000 / seconds;
    const little = (CONNECTIONS / row.summary.perSecond) * 1000;
    lines.push(
      `- **${name}, ${CONNECTIONS} clients:** ${rate(row.summary.perSecond)} req/s; by Little's law ${CONNECTIONS} in flight at that ` +
        `rate means ~${ms(little)} ms each (measured mean ${ms(row.summary.mean)} ms), so latency here is queueing. ` +
        `Cores busy: next server ${serverCores.toFixed(2)}, PostgreSQL ${pgCores.toFixed(2)}, load generator ` +
        `${benchCores.toFixed(2)}, other processes on the machine ${Math.max(0, machineCores - serverCores - pgCores - benchCores).toFixed(2)} ` +
        `(${machineCores.toFixed(2)} of ${os.availableParallelism()} busy in all). The server process needed ` +
        `${cpuPerRequest(row, "serverMs")} ms of CPU per request, which alone caps one Node.js process at ` +
        `~${rate(1000 / (row.cpu.serverMs / row.summary.count))} req/s per core.`,
    );
  };
  saturation("GET /me", me50);
  saturation("New-key POST", post50);
  if (replay50 && replayPerConn && post50) {
    const hot = replay50.summary.p50 / replayPerConn.summary.p50;
    lines.push(
      `- **Replays:** one hot key p50 ${ms(replay50.summary.p50)} ms (${rate(replay50.summary.perSecond)} req/s), one key ` +
        `per connection ${ms(replayPerConn.summary.p50)} ms (${rate(replayPerConn.summary.perSecond)} req/s), new keys ` +
        `${ms(post50.summary.p50)} ms. A replay still runs the whole interactive transaction (BEGIN, SET LOCAL twice, ` +
        "INSERT … ON CONFLICT, SELECT … FOR UPDATE, COMMIT) and holds the record's row lock until COMMIT, so " +
        "replays of one key take turns on that lock" +
        (hot > 1.3
          ? ` — here the hot key is ${ratio(hot)} slower than spread keys.`
          : `; at this load that wait is hidden behind CPU queueing (hot ÷ spread keys: ${ratio(hot)}).`),
    );
  }
  return lines.join("\n");
}
