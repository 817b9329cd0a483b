// The in-app world the agents' tools act on (SPEC §4): a simulated server, a records store, an outbox and an
// allow-listed fetch — real rows, inspectable, isolated per workspace — and the tool registry over it.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { db } from "@/lib/db";
import { createToolRegistry, describeTools } from "@/lib/tools/registry";
import { performToolCall } from "@/lib/tools/side-effect-ledger";
import { ToolError } from "@/lib/world/errors";
import { fetchAllowedUrl, LOCAL_DOCUMENTS } from "@/lib/world/fetch";
import { findOutboxEmailBySideEffect, listOutboxEmails, sendOutboxEmail } from "@/lib/world/outbox";
import { listRecords, updateRecord } from "@/lib/world/records";
import { checkDiskUsage, listLogFiles, SIM_LAYOUT } from "@/lib/world/sim-server";

const GIB = 1024 ** 3;

async function createWorkspace(): Promise<string> {
  const slug = `world-${randomBytes(4).toString("hex")}`;
  const workspace = await db().workspace.create({ data: { slug, name: slug } });
  return workspace.id;
}

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

let ws: string;
let other: string;

beforeAll(async () => {
  [ws, other] = await Promise.all([createWorkspace(), createWorkspace()]);
});

describe("the tool registry", () => {
  test("declares every built-in tool with a risk level, a schema, a timeout and a rate limit", () => {
    const tools = createToolRegistry({ workspaceId: ws });
    expect(Object.fromEntries(Object.values(tools).map((tool) => [tool.name, tool.risk]))).toEqual({
      check_disk: "read",
      list_logs: "read",
      clean_logs: "write_local",
      read_records: "read",
      update_record: "write_local",
      send_email: "external_action",
      fetch_url: "read",
      write_summary: "write_local",
    });
    for (const tool of Object.values(tools)) {
      expect(tool.timeoutMs, tool.name).toBeGreaterThan(0);
      expect(tool.rateLimit.limit, tool.name).toBeGreaterThan(0);
      expect(typeof tool.inputSchema.safeParse, tool.name).toBe("function");
    }
    expect(tools.send_email.reconcile).toBeTypeOf("function");
    expect(describeTools(["send_email"])).toEqual([
      expect.objectContaining({ name: "send_email", risk: "external_action" }),
    ]);
  });
});

describe("the simulated server", () => {
  test("is seeded per workspace on first use with a deterministic layout at >= 80 % disk use", async () => {
    const [usage, again] = await Promise.all([
      checkDiskUsage(db(), { workspaceId: ws }),
      checkDiskUsage(db(), { workspaceId: ws }),
    ]);
    expect(usage).toEqual(again);
    expect(usage).toEqual({
      hostname: "app-1",
      diskBytes: 100 * GIB,
      usedBytes: 86 * GIB,
      freeBytes: 14 * GIB,
      usedPercent: 86,
    });
    const logs = await listLogFiles(db(), { workspaceId: ws });
    expect(logs.files.map((file) => file.path)).toEqual(SIM_LAYOUT.logs.map((log) => log.path).sort());
    expect(logs.totalBytes).toBe(21 * GIB);
    expect(logs.files.find((file) => file.path === "/var/log/app/app.log.3.gz")).toMatchObject({
      ageDays: 15,
      rotated: true,
    });
    expect(logs.files.find((file) => file.path === "/var/log/app/app.log")).toMatchObject({ rotated: false });
    const servers = await db().simServer.count({ where: { workspaceId: ws } });
    expect(servers).toBe(1);
  });

  test("clean_logs removes old rotated logs only, frees their bytes, once, and touches no other workspace", async () => {
    const runId = randomUUID();
    await checkDiskUsage(db(), { workspaceId: other });
    const first = await performToolCall({ workspaceId: ws, runId, tool: "clean_logs", params: { olderThanDays: 7 } });
    expect(first.status).toBe("performed");
    expect(first.result).toMatchObject({
      deleted: [
        "/var/log/app/app.log.2.gz",
        "/var/log/app/app.log.3.gz",
        "/var/log/app/app.log.4.gz",
        "/var/log/nginx/access.log.1.gz",
        "/var/log/nginx/access.log.2.gz",
      ],
      freedBytes: 13 * GIB,
      usage: { usedBytes: 73 * GIB, usedPercent: 73 },
    });
    // The same call again: the recorded result, nothing freed twice.
    const repeat = await performToolCall({ workspaceId: ws, runId, tool: "clean_logs", params: {} });
    expect(repeat).toMatchObject({ replayed: true, sideEffectId: first.sideEffectId, result: first.result });
    expect((await checkDiskUsage(db(), { workspaceId: ws })).usedBytes).toBe(73 * GIB);
    expect((await listLogFiles(db(), { workspaceId: ws })).files.map((file) => file.path)).toEqual([
      "/var/log/app/app.log",
      "/var/log/app/app.log.1",
      "/var/log/journal/system.journal",
      "/var/log/nginx/access.log",
      "/var/log/postgresql/postgresql.log",
    ]);
    expect((await checkDiskUsage(db(), { workspaceId: other })).usedBytes).toBe(86 * GIB);
  });

  test("an unknown server name is refused", async () => {
    const error = await rejection(checkDiskUsage(db(), { workspaceId: ws, hostname: "db-9" }));
    expect(error.code).toBe("server_not_found");
  });
});

describe("the records store", () => {
  test("is seeded per workspace and read by kind and id", async () => {
    const customers = await listRecords(db(), { workspaceId: ws, kind: "customer" });
    expect(customers.map((record) => record.externalId)).toEqual(["cus_1001", "cus_1002", "cus_1003"]);
    const [ticket] = await listRecords(db(), { workspaceId: ws, externalIds: ["tkt_2001"] });
    expect(ticket).toMatchObject({ kind: "ticket", version: 1, data: { status: "open", customer: "cus_1001" } });
  });

  test("an update with the current version applies; a stale one is a conflict and changes nothing", async () => {
    const [before] = await listRecords(db(), { workspaceId: ws, externalIds: ["tkt_2002"] });
    const updated = await updateRecord(db(), {
      workspaceId: ws,
      kind: "ticket",
      externalId: "tkt_2002",
      set: { status: "pending" },
      expectedVersion: before?.version,
    });
    expect(updated).toMatchObject({ version: 2, data: { status: "pending", priority: "low" } });
    const stale = await rejection(
      updateRecord(db(), {
        workspaceId: ws,
        kind: "ticket",
        externalId: "tkt_2002",
        set: { status: "closed" },
        expectedVersion: 1,
      }),
    );
    expect(stale).toMatchObject({ type: "conflict", code: "record_version_conflict", retriable: false });
    const [after] = await listRecords(db(), { workspaceId: ws, externalIds: ["tkt_2002"] });
    expect(after).toMatchObject({ version: 2, data: { status: "pending" } });
  });

  test("concurrent updates of one version: exactly one wins", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        updateRecord(db(), {
          workspaceId: ws,
          kind: "customer",
          externalId: "cus_1003",
          set: { note: `writer ${index}` },
          expectedVersion: 1,
        }),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const [record] = await listRecords(db(), { workspaceId: ws, externalIds: ["cus_1003"] });
    expect(record?.version).toBe(2);
  });

  test("update_record through the ledger: a stale version is recorded as a non-retriable failure", async () => {
    const runId = randomUUID();
    const ok = await performToolCall({
      workspaceId: ws,
      runId,
      tool: "update_record",
      params: { kind: "customer", id: "cus_1001", set: { plan: "enterprise" }, expectedVersion: 1 },
    });
    expect(ok.result).toMatchObject({ record: { version: 2, data: { plan: "enterprise" } } });
    const call = {
      workspaceId: ws,
      runId,
      tool: "update_record",
      params: { kind: "customer", id: "cus_1001", set: { plan: "free" }, expectedVersion: 1 },
    };
    const conflict = await rejection(performToolCall(call));
    expect(conflict).toMatchObject({ code: "record_version_conflict", retriable: false });
    // Recorded: asking again returns the same failure without trying.
    const again = await rejection(performToolCall(call));
    expect(again).toMatchObject({ code: "record_version_conflict" });
    const row = await db().sideEffect.findFirstOrThrow({ where: { workspaceId: ws, runId, status: "failed" } });
    expect(row.attempts).toBe(1);
  });

  test("another workspace's records are not visible", async () => {
    await updateRecord(db(), { workspaceId: other, kind: "customer", externalId: "cus_1002", set: { vip: true } });
    const [mine] = await listRecords(db(), { workspaceId: ws, externalIds: ["cus_1002"] });
    expect(mine?.data.vip).toBeUndefined();
  });
});

describe("the outbox", () => {
  test("a send is idempotent by side effect", async () => {
    const sideEffectId = randomUUID();
    const input = { workspaceId: ws, to: "ada@example.test", subject: "Hi", body: "Hello", sideEffectId };
    const results = await Promise.all(Array.from({ length: 5 }, () => sendOutboxEmail(db(), input)));
    expect(results.filter((result) => result.sent)).toHaveLength(1);
    expect(new Set(results.map((result) => result.email.id)).size).toBe(1);
    expect(await findOutboxEmailBySideEffect(db(), { workspaceId: ws, sideEffectId })).toMatchObject({
      subject: "Hi",
    });
    expect(await findOutboxEmailBySideEffect(db(), { workspaceId: other, sideEffectId })).toBeUndefined();
    expect((await listOutboxEmails(db(), { workspaceId: other })).length).toBe(0);
  });
});

describe("the allow-listed fetch", () => {
  let server: Server;
  let port: number;
  const saved = process.env.HOLDFAST_FETCH_ALLOWLIST;

  beforeAll(async () => {
    server = createServer((_, response) => {
      response.setHeader("content-type", "text/html");
      response.end("<html><title>Local page</title><body>allowed</body></html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    process.env.HOLDFAST_FETCH_ALLOWLIST = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  test("holdfast.local serves its documents without the network", async () => {
    const page = await fetchAllowedUrl({ url: "http://holdfast.local/docs/side-effects" });
    expect(page).toMatchObject({ status: 200, title: "Exactly-once side effects" });
    expect(page.text).toBe(LOCAL_DOCUMENTS["/docs/side-effects"]?.text);
    expect((await fetchAllowedUrl({ url: "https://holdfast.local/nope" })).status).toBe(404);
  });

  test("a host off the allow-list is refused with a clear error, before any request", async () => {
    process.env.HOLDFAST_FETCH_ALLOWLIST = "";
    const refused = await rejection(fetchAllowedUrl({ url: `http://127.0.0.1:${port}/` }));
    expect(refused).toMatchObject({ type: "forbidden", code: "fetch_host_not_allowed", retriable: false });
    expect(refused.message).toContain("HOLDFAST_FETCH_ALLOWLIST");
    expect((await rejection(fetchAllowedUrl({ url: "file:///etc/passwd" }))).code).toBe("fetch_scheme_not_allowed");
    expect((await rejection(fetchAllowedUrl({ url: "not a url" }))).code).toBe("fetch_invalid_url");
  });

  test("a host on HOLDFAST_FETCH_ALLOWLIST is fetched", async () => {
    process.env.HOLDFAST_FETCH_ALLOWLIST = "example.test, 127.0.0.1";
    const page = await fetchAllowedUrl({ url: `http://127.0.0.1:${port}/page` });
    expect(page).toMatchObject({ status: 200, title: "Local page", truncated: false });
  });

  test("fetch_url through the ledger records a refusal as a non-retriable failure", async () => {
    process.env.HOLDFAST_FETCH_ALLOWLIST = "";
    const error = await rejection(
      performToolCall({
        workspaceId: ws,
        runId: randomUUID(),
        tool: "fetch_url",
        params: { url: "https://evil.test" },
      }),
    );
    expect(error.code).toBe("fetch_host_not_allowed");
  });
});

describe("write_summary", () => {
  test("stores a summary artifact as a record of the run", async () => {
    const runId = randomUUID();
    const outcome = await performToolCall({
      workspaceId: ws,
      runId,
      tool: "write_summary",
      params: { title: "Side effects", content: "Ledgers make effects exactly-once.\nMore.", sources: ["x"] },
    });
    expect(outcome.result).toMatchObject({
      artifact: { type: "summary", title: "Side effects", summary: "Ledgers make effects exactly-once.", bytes: 40 },
    });
    const [record] = await listRecords(db(), {
      workspaceId: ws,
      kind: "summary",
      externalIds: [`${runId}/side-effects`],
    });
    expect(record?.data).toMatchObject({ runId, sources: ["x"] });
  });
});
