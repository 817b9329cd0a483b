// OpenTelemetry traces end to end (issue 6, SPEC §6): a product (web + engine) exporting OTLP/HTTP JSON to a
// receiver in this test. One user action = one trace across both services: request → event → engine run →
// step → model call, every span stamped with the request's X-Request-Id, no message text in any attribute.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { traceIdForRequest } from "@/lib/telemetry/tracing";
import { createTestDatabase } from "../helpers/database";
import { type Product, seedWithCli, startProduct } from "../helpers/product";

type Span = {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
};

const ws = "tracing";
let receiver: http.Server;
const exports: string[] = [];
const spans: Span[] = [];
let product: Product;
let pool: pg.Pool;
let token: string;

/** OTLP JSON ids are hex strings; tolerate base64 too, so a changed encoding fails on content, not on parsing. */
const hexId = (id: unknown) =>
  typeof id !== "string" || id === "" ? "" : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, "base64").toString("hex");

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue & { arrayValue?: { values: AnyValue[] } } };
const scalar = (value: AnyValue) => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
const attributesOf = (list: KeyValue[] | undefined) =>
  Object.fromEntries(
    (list ?? []).map(({ key, value }) => [key, value.arrayValue ? value.arrayValue.values.map(scalar) : scalar(value)]),
  );

/** Decodes one ExportTraceServiceRequest (OTLP/HTTP JSON). */
function collect(body: string) {
  exports.push(body);
  const request = JSON.parse(body) as {
    resourceSpans: {
      resource: { attributes: KeyValue[] };
      scopeSpans: {
        spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: KeyValue[] }[];
      }[];
    }[];
  };
  for (const resourceSpans of request.resourceSpans) {
    const service = String(attributesOf(resourceSpans.resource.attributes)["service.name"]);
    for (const scope of resourceSpans.scopeSpans) {
      for (const span of scope.spans) {
        spans.push({
          service,
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          parentSpanId: hexId(span.parentSpanId),
          name: span.name,
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }
}

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const ok = request.url === "/v1/traces" && request.headers["content-type"]?.startsWith("application/json");
      if (ok) collect(Buffer.concat(chunks).toString("utf8"));
      response.writeHead(ok ? 200 : 415, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The standard variables only: OTLP is chosen because an endpoint is configured.
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: "100" };

  const databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "tracing");
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: "tracing-test" });
  token = (await seedWithCli(databaseUrl, { email: "tracing@example.test", workspace: ws })).token;
  product = await startProduct({ databaseUrl, env: otel, engineEnv: otel });
}, 120_000);

afterAll(async () => {
  await product?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await pool?.end();
});

async function api(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${product.url}/api/v1/workspaces/${ws}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "idempotency-key": `trace-${randomBytes(8).toString("hex")}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const payload = (await response.json()) as Record<string, { id: string }>;
  expect(response.status, JSON.stringify(payload)).toBeLessThan(300);
  return { payload, requestId: response.headers.get("x-request-id") as string };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/** Waits until a generation or an agent run has reached one of the statuses both end in. */
function waitUntilEnded(table: "generations" | "agent_runs", id: unknown) {
  return waitFor(`${table} ${id} to end`, async () => {
    const { rows } = await pool.query(`SELECT status::text FROM ${table} WHERE id = $1`, [id]);
    return ["succeeded", "failed", "canceled", "timed_out"].includes(rows[0]?.status) ? rows[0].status : undefined;
  });
}

/** The chain from a span up to its root, following parent span ids among the exported spans. */
function ancestry(span: Span, trace: Span[]): Span[] {
  const chain = [span];
  for (let current = span; current.parentSpanId; ) {
    const parent = trace.find((candidate) => candidate.spanId === current.parentSpanId);
    if (!parent) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** Waits until the action's trace holds a model call whose ancestry reaches the root request span. */
async function traceOf(requestId: string) {
  const traceId = traceIdForRequest(requestId);
  return waitFor(`the trace of ${requestId}`, () => {
    const trace = spans.filter((span) => span.traceId === traceId);
    const model = trace.find((span) => span.name === "model.call");
    if (!model) return undefined;
    const chain = ancestry(model, trace);
    return chain.at(-1)?.parentSpanId === "" ? { traceId, trace, chain } : undefined;
  });
}

function expectOneTracePerAction(requestId: string, traceId: string, trace: Span[], secret: string) {
  // Both processes exported into this one trace.
  expect(new Set(trace.map((span) => span.service))).toEqual(new Set(["holdfast-web", "holdfast-engine"]));
  // Every span carries the request id, and no span with this request id sits in another trace.
  for (const span of trace) expect(span.attributes["holdfast.request_id"], span.name).toBe(requestId);
  const tagged = spans.filter((span) => span.attributes["holdfast.request_id"] === requestId);
  expect(new Set(tagged.map((span) => span.traceId))).toEqual(new Set([traceId]));
  // No personal text in any attribute (nor anywhere in what was exported).
  for (const span of trace) expect(JSON.stringify(span.attributes)).not.toContain(secret);
  expect(exports.some((body) => body.includes(secret))).toBe(false);
}

test("a chat message: request → event → engine run → step → model call, one trace, both services", async () => {
  const { payload: created } = await api("/conversations", { title: "traced" });
  const secret = `tracing-secret-${randomBytes(6).toString("hex")}`;
  const { payload, requestId } = await api(`/conversations/${created.conversation?.id}/messages`, {
    content: `please repeat ${secret}`,
  });
  await waitUntilEnded("generations", payload.generation?.id);
  const { traceId, trace, chain } = await traceOf(requestId);
  // Our own request ids carry the trace id: req_<32 hex> → <32 hex>.
  expect(`req_${traceId}`).toBe(requestId);

  expect(chain.map((span) => [span.service, span.name.split(" ")[0]])).toEqual([
    ["holdfast-web", "model.call"],
    ["holdfast-web", "step"],
    ["holdfast-engine", "engine.run"],
    ["holdfast-web", "event"],
    ["holdfast-web", "POST"],
  ]);
  const [model, step, run, event, request] = chain as [Span, Span, Span, Span, Span];
  expect(request.name).toBe(`POST /api/v1/workspaces/${ws}/conversations/${created.conversation?.id}/messages`);
  expect(request.attributes["http.response.status_code"]).toBe(202);
  expect(event.name).toBe("event conversation/generation.requested");
  expect(run.attributes["inngest.function.id"]).toBe("holdfast-generate-reply");
  expect(step.name).toBe("step stream-reply");
  expect(step.attributes["inngest.run.id"]).toBe(run.attributes["inngest.run.id"]);
  expect(model.attributes["gen_ai.request.model"]).toEqual(expect.any(String));
  expect(Number(model.attributes["gen_ai.usage.output_tokens"])).toBeGreaterThan(0);
  // The other steps of the function (start, finalize) are children of their own engine calls, in the same trace.
  const stepNames = trace.filter((span) => span.name.startsWith("step ")).map((span) => span.name);
  expect(stepNames).toEqual(expect.arrayContaining(["step start", "step stream-reply", "step finalize"]));
  for (const span of trace.filter((s) => s.name.startsWith("step "))) {
    const parent = trace.find((candidate) => candidate.spanId === span.parentSpanId);
    expect(parent?.name, span.name).toBe("engine.run");
  }
  expectOneTracePerAction(requestId, traceId, trace, secret);
}, 120_000);

test("an agent run: its model turns are steps of engine runs continuing the request's trace", async () => {
  const secret = `tracing-goal-${randomBytes(6).toString("hex")}`;
  const { payload, requestId } = await api("/runs", {
    agent: "research",
    goal: `summarise ${secret}`,
    constraints: { require_approval: [] },
  });
  const runId = payload.run?.id;
  await waitUntilEnded("agent_runs", runId);
  const { traceId, trace, chain } = await traceOf(requestId);

  expect(chain.map((span) => [span.service, span.name.split(" ")[0]])).toEqual([
    ["holdfast-web", "model.call"],
    ["holdfast-web", "step"],
    ["holdfast-engine", "engine.run"],
    ["holdfast-web", "event"],
    ["holdfast-web", "POST"],
  ]);
  const [, step, run, event, request] = chain as [Span, Span, Span, Span, Span];
  expect(request.name).toBe(`POST /api/v1/workspaces/${ws}/runs`);
  expect(event.name).toBe("event agent/run.requested");
  expect(run.attributes["inngest.function.id"]).toBe("holdfast-run-agent");
  expect(step.name).toMatch(/^step model-\d+$/);
  expectOneTracePerAction(requestId, traceId, trace, secret);
}, 120_000);

test("a client's own X-Request-Id: the trace id is its SHA-256 prefix, on the root request span", async () => {
  const clientId = `client-${randomBytes(6).toString("hex")}`;
  const { requestId } = await api("/conversations", { title: "client id" }, { "x-request-id": clientId });
  expect(requestId).toBe(clientId);
  const root = await waitFor("the request span", () =>
    spans.find((span) => span.attributes["holdfast.request_id"] === clientId && span.parentSpanId === ""),
  );
  expect(root.traceId).toBe(createHash("sha256").update(clientId).digest("hex").slice(0, 32));
  expect(root).toMatchObject({ service: "holdfast-web", name: `POST /api/v1/workspaces/${ws}/conversations` });
  expect(root.attributes["http.response.status_code"]).toBe(201);
}, 60_000);
