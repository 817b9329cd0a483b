// Usage and billing (SPEC §8, API.md "usage"): grouped sums of the ledger, money as integers, a CSV that sums
// to the ledger exactly, the quota with its forecast and 80% alert, and who may see it.
import { beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import { periodStartOf } from "@/lib/usage/quota";
import { microsToDecimal } from "@/lib/usage/report";
import { createSignedInPersona, json, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

let slug: string;
let workspaceId: string;
let billing: SignedInPersona;
let admin: SignedInPersona;
let member: SignedInPersona;

// Seeded ledger rows, in a past month so that the current period's own usage never mixes in.
const DAY1 = "2025-03-04";
const DAY2 = "2025-03-06";
const RANGE = "from=2025-03-01&to=2025-03-31";
let seeded: {
  userId: string | null;
  model: string | null;
  day: string;
  input: number;
  output: number;
  cost: bigint;
  /** The agent of the run the row bills (the row keeps it: the run itself may be gone, deleted by retention). */
  agent: "support" | "research" | null;
}[];

beforeAll(async () => {
  slug = uniqueSlug("usage");
  billing = await createSignedInPersona({ workspace: slug, roles: ["billing_owner"] });
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  member = await createSignedInPersona({ workspace: slug, roles: ["member"] });
  workspaceId = (await db().workspace.findUniqueOrThrow({ where: { slug } })).id;
  seeded = [
    { userId: admin.userId, model: "gpt-a", day: DAY1, input: 100, output: 50, cost: 1_234_567n, agent: null },
    { userId: admin.userId, model: "gpt-b", day: DAY1, input: 10, output: 5, cost: 333_333n, agent: null },
    { userId: member.userId, model: "gpt-a", day: DAY2, input: 7, output: 3, cost: 333_333n, agent: "support" },
    { userId: member.userId, model: null, day: DAY2, input: 0, output: 0, cost: 1n, agent: "research" },
    { userId: null, model: "gpt-b", day: DAY2, input: 1, output: 1, cost: 999_999_999n, agent: null },
  ];
  await db().usageEntry.createMany({
    data: seeded.map((s, i) => ({
      workspaceId,
      userId: s.userId,
      kind: s.model ? "model_call" : "tool_call",
      model: s.model,
      inputTokens: s.input,
      outputTokens: s.output,
      costMicros: s.cost,
      runId: s.agent ? crypto.randomUUID() : null,
      agent: s.agent,
      createdAt: new Date(`${s.day}T1${i}:00:00Z`),
    })),
  });
});

const usage = (who: SignedInPersona, query: string) => who.api(`/api/v1/workspaces/${slug}/usage?${query}`);

test("group_by day, member, model and agent each partition the ledger exactly", async () => {
  const expectedTotal = seeded.reduce((sum, s) => sum + s.cost, 0n);
  for (const groupBy of ["day", "member", "model", "agent"] as const) {
    const response = await usage(billing, `${RANGE}&group_by=${groupBy}`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.totals.cost_micros).toBe(Number(expectedTotal));
    expect(body.totals.cost_usd).toBe(microsToDecimal(expectedTotal));
    const keyOf = {
      day: (s: (typeof seeded)[number]) => s.day,
      member: (s: (typeof seeded)[number]) => s.userId,
      model: (s: (typeof seeded)[number]) => s.model,
      agent: (s: (typeof seeded)[number]) => s.agent ?? "assistant",
    }[groupBy];
    const expected = new Map<string | null, { cost: bigint; tokens: number; calls: number }>();
    for (const s of seeded) {
      const e = expected.get(keyOf(s)) ?? { cost: 0n, tokens: 0, calls: 0 };
      expected.set(keyOf(s), { cost: e.cost + s.cost, tokens: e.tokens + s.input + s.output, calls: e.calls + 1 });
    }
    const nonEmpty = body.data.filter((r: { calls: number }) => r.calls > 0);
    expect(nonEmpty.length, groupBy).toBe(expected.size);
    for (const row of nonEmpty) {
      const e = expected.get(row.key);
      expect(e, `${groupBy} ${row.key}`).toBeDefined();
      expect(row.cost_micros).toBe(Number(e?.cost));
      expect(row.cost_usd).toBe(microsToDecimal(e?.cost ?? 0n));
      expect(row.total_tokens).toBe(e?.tokens);
      expect(row.calls).toBe(e?.calls);
      expect(Number.isInteger(row.cost_micros)).toBe(true);
    }
  }
  // Days: every day of the range is present, empty ones as zeros.
  const days = (await json(await usage(billing, `${RANGE}&group_by=day`))).data;
  expect(days).toHaveLength(31);
  expect(days[0]).toMatchObject({ key: "2025-03-01", calls: 0, cost_micros: 0, cost_usd: "0.000000" });
});

test("the CSV's rows sum to the ledger exactly, to the micro-dollar and so to the cent", async () => {
  for (const groupBy of ["day", "member", "model", "agent"]) {
    const response = await billing.api(`/api/v1/workspaces/${slug}/usage.csv?${RANGE}&group_by=${groupBy}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, ...lines] = (await response.text()).trim().split("\r\n");
    const columns = (header ?? "").split(",");
    const micros = columns.indexOf("cost_micros");
    const usd = columns.indexOf("cost_usd");
    const tokens = columns.indexOf("total_tokens");
    let sumMicros = 0n;
    let sumUsdMicros = 0n;
    let sumTokens = 0;
    for (const line of lines) {
      const cells = line.split(",");
      sumMicros += BigInt(cells[micros] ?? "0");
      sumUsdMicros += BigInt((cells[usd] ?? "0").replace(".", ""));
      sumTokens += Number(cells[tokens]);
    }
    const [ledger] = await db().$queryRaw<{ cost: bigint; tokens: bigint }[]>`
      SELECT sum(cost_micros)::bigint AS cost, sum(input_tokens + output_tokens)::bigint AS tokens
      FROM usage_entries WHERE workspace_id = ${workspaceId}::uuid
        AND created_at >= '2025-03-01' AND created_at < '2025-04-01'`;
    expect(sumMicros, groupBy).toBe(ledger?.cost);
    expect(sumUsdMicros, groupBy).toBe(ledger?.cost);
    expect(BigInt(sumTokens)).toBe(ledger?.tokens);
  }
});

test("quota: limit, used, reserved, remaining, a linear forecast and the 80% alert", async () => {
  const period = new Date(`${periodStartOf()}T00:00:00Z`);
  await db().quotaPeriod.upsert({
    where: { workspaceId_periodStart: { workspaceId, periodStart: period } },
    create: { workspaceId, periodStart: period, tokenLimit: 1000n, usedTokens: 700n, reservedTokens: 100n },
    update: { tokenLimit: 1000n, usedTokens: 700n, reservedTokens: 100n },
  });
  let quota = (await json(await usage(billing, ""))).quota;
  expect(quota).toMatchObject({
    token_limit: 1000,
    used_tokens: 700,
    reserved_tokens: 100,
    remaining_tokens: 200,
    alert: false,
  });
  expect(quota.forecast_tokens).toBeGreaterThanOrEqual(700);
  await db().quotaPeriod.update({
    where: { workspaceId_periodStart: { workspaceId, periodStart: period } },
    data: { usedTokens: 800n },
  });
  quota = (await json(await usage(admin, ""))).quota;
  expect(quota).toMatchObject({ used_tokens: 800, alert: true, used_ratio: 0.8 });
});

test("bad dates and group_by are 400 validation envelopes", async () => {
  for (const query of [
    "group_by=week",
    "from=yesterday",
    "from=2025-02-30",
    "to=2025-13-01",
    "from=2025-03-05&to=2025-03-01",
    "from=2020-01-01&to=2025-01-01",
  ]) {
    for (const path of ["usage", "usage.csv"]) {
      const response = await billing.api(`/api/v1/workspaces/${slug}/${path}?${query}`);
      expect(response.status, `${path}?${query}`).toBe(400);
      expect((await json(response)).error).toMatchObject({ type: "validation", code: "invalid_query" });
    }
  }
});

test("roles: member 403, billing owner and admin 200, another workspace 404", async () => {
  expect((await usage(member, RANGE)).status).toBe(403);
  expect((await member.api(`/api/v1/workspaces/${slug}/usage.csv`)).status).toBe(403);
  expect((await usage(billing, RANGE)).status).toBe(200);
  expect((await usage(admin, RANGE)).status).toBe(200);
  const stranger = await createSignedInPersona({ workspace: uniqueSlug("stranger"), roles: ["billing_owner"] });
  expect((await stranger.api(`/api/v1/workspaces/${slug}/usage`)).status).toBe(404);
  expect((await stranger.api(`/api/v1/workspaces/${slug}/usage.csv`)).status).toBe(404);
});
