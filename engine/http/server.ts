import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { withTx } from "../db.ts";
import { bearerVerifier } from "../protocol/signing.ts";
import type { EngineContext } from "../runtime/context.ts";
import { SyncError } from "../runtime/function-config.ts";
import { type IncomingEvent, ingestEvents, prepareEvents } from "../runtime/ingest-events.ts";
import { cancelRun, isTerminal, lockRun } from "../runtime/run-state.ts";
import { registerApp, syncInBand } from "../runtime/sync.ts";
import { leaseKeeper, saveCheckpoint } from "../store/checkpoint.ts";
import { getRun, listRuns, RUN_STATUSES, type RunStatus } from "../store/read-runs.ts";
import { HttpError, parseJson, readBody, sendJson } from "./respond.ts";

// The engine's HTTP surface: the event API and checkpoint API the SDK calls, sync, health, and the read API.

const eventSchema = z
  .object({
    name: z.string().min(1).max(256),
    data: z.record(z.string(), z.unknown()).optional().nullable(),
    id: z.string().max(512).optional().nullable(),
    ts: z.number().int().optional().nullable(),
    v: z.string().optional().nullable(),
    user: z.record(z.string(), z.unknown()).optional().nullable(),
  })
  .passthrough();

const checkpointSchema = z.object({
  run_id: z.string().min(1),
  fn_id: z.string().optional(),
  qi_id: z.string().min(1),
  steps: z.array(
    z
      .object({
        id: z.string().min(1),
        op: z.string(),
        name: z.string().optional(),
        displayName: z.string().optional(),
        data: z.unknown().optional(),
      })
      .passthrough(),
  ),
});

const registerSchema = z.object({
  url: z.string().url(),
  appName: z.string().min(1),
  functions: z.array(z.unknown()),
  sdk: z.string().optional(),
});

export function createEngineServer(ctx: EngineContext): Server {
  const keys = [ctx.config.signingKey, ...(ctx.config.signingKeyFallback ? [ctx.config.signingKeyFallback] : [])];
  const verifyBearer = bearerVerifier(keys);
  const keepLease = leaseKeeper(ctx);
  const requireBearer = (req: IncomingMessage) => {
    if (!verifyBearer(req.headers.authorization)) throw new HttpError(401, "missing or invalid bearer token");
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://engine");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";

    if (method === "GET" && (path === "/health" || path === "/v1/health")) {
      try {
        await ctx.db.query("SELECT 1");
        return sendJson(res, 200, { status: "ok" });
      } catch {
        return sendJson(res, 503, { status: "degraded", reason: "database unreachable" });
      }
    }

    const eventMatch = /^\/e\/([^/]+)$/.exec(path);
    if (method === "POST" && eventMatch) {
      if (ctx.config.eventKey && decodeURIComponent(eventMatch[1] ?? "") !== ctx.config.eventKey) {
        return sendJson(res, 401, { error: "invalid event key", status: 401 });
      }
      const raw = parseJson(await readBody(req));
      const list = z
        .array(eventSchema)
        .min(1)
        .max(5000)
        .safeParse(Array.isArray(raw) ? raw : [raw]);
      if (!list.success) return sendJson(res, 400, { error: `invalid events: ${list.error.message}`, status: 400 });
      const reserved = list.data.find((e) => e.name.startsWith("inngest/"));
      if (reserved) return sendJson(res, 400, { error: `event name ${reserved.name} is reserved`, status: 400 });
      const events: IncomingEvent[] = list.data.map((e) => ({
        name: e.name,
        data: e.data ?? {},
        id: e.id ?? undefined,
        ts: e.ts ?? undefined,
        v: e.v ?? undefined,
        user: e.user ?? undefined,
      }));
      const seed = req.headers["x-inngest-event-id-seed"];
      const ids = await ingestEvents(
        ctx,
        prepareEvents(events, typeof seed === "string" ? seed : undefined, ctx.now()),
      );
      return sendJson(res, 200, { ids, status: 200 });
    }

    const checkpointMatch = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(path);
    if (method === "POST" && checkpointMatch) {
      requireBearer(req);
      const parsed = checkpointSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) return sendJson(res, 400, { error: parsed.error.message });
      const runId = decodeURIComponent(checkpointMatch[1] ?? "");
      const unsupported = parsed.data.steps.find((s) => s.op !== "StepRun");
      if (unsupported) {
        // The SDK falls back to returning the ops in its response, where the run fails loudly on them.
        return sendJson(res, 400, { error: `checkpointing op ${unsupported.op} is not supported` });
      }
      const ok = await saveCheckpoint(ctx.db, runId, parsed.data.qi_id, parsed.data.steps);
      if (!ok) return sendJson(res, 409, { error: "stale dispatch" });
      sendJson(res, 200, { status: "ok" });
      return keepLease(parsed.data.qi_id).catch((error: unknown) =>
        ctx.log.warn("lease extension by checkpoint failed", { run: runId, error }),
      );
    }
    if (method === "POST" && (path === "/v1/checkpoint" || /^\/v1\/checkpoint\/[^/]+\/steps$/.test(path))) {
      return sendJson(res, 501, {
        error: "sync (durable endpoint) checkpointing is not supported by the Holdfast engine",
      });
    }

    if (method === "POST" && path === "/fn/register") {
      requireBearer(req);
      const parsed = registerSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) return sendJson(res, 400, { status: 400, error: parsed.error.message });
      try {
        await registerApp(ctx, {
          appId: parsed.data.appName,
          url: parsed.data.url,
          sdk: parsed.data.sdk,
          functions: parsed.data.functions,
        });
        return sendJson(res, 200, { status: 200, ok: true, modified: true });
      } catch (error) {
        if (error instanceof SyncError) return sendJson(res, 400, { status: 400, error: error.message });
        throw error;
      }
    }

    if (method === "POST" && path === "/v1/sync") {
      requireBearer(req);
      const text = await readBody(req);
      const body = z.object({ url: z.string().url().optional() }).safeParse(text ? parseJson(text) : {});
      const target = (body.success ? body.data.url : undefined) ?? ctx.config.appServeUrl;
      if (!target) return sendJson(res, 400, { error: "no url given and HOLDFAST_APP_SERVE_URL is unset" });
      try {
        return sendJson(res, 200, await syncInBand(ctx, target));
      } catch (error) {
        return sendJson(res, error instanceof SyncError ? 400 : 502, { error: (error as Error).message });
      }
    }

    if (method === "GET" && path === "/v1/functions") {
      requireBearer(req);
      return sendJson(res, 200, { data: ctx.registry.all() });
    }

    if (method === "GET" && path === "/v1/runs") {
      requireBearer(req);
      const statuses = (url.searchParams.get("status") ?? "")
        .split(",")
        .filter(Boolean)
        .map((s) => s.trim());
      const invalid = statuses.find((s) => !(RUN_STATUSES as readonly string[]).includes(s));
      if (invalid) return sendJson(res, 400, { error: `unknown status ${invalid}` });
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 500);
      // `event_data`: a JSON object the triggering event's data must contain (jsonb @>), e.g. {"runId":"…"}.
      const rawEventData = url.searchParams.get("event_data");
      let eventData: Record<string, unknown> | undefined;
      if (rawEventData !== null) {
        let json: unknown;
        try {
          json = JSON.parse(rawEventData);
        } catch {
          json = undefined;
        }
        const parsed = z.record(z.string(), z.unknown()).safeParse(json);
        if (!parsed.success) return sendJson(res, 400, { error: "event_data must be a JSON object" });
        eventData = parsed.data;
      }
      const data = await listRuns(ctx.db, {
        statuses: statuses as RunStatus[],
        functionId: url.searchParams.get("function_id") ?? undefined,
        before: url.searchParams.get("before") ?? undefined,
        limit,
        eventData,
      });
      return sendJson(res, 200, { data });
    }

    const runMatch = /^\/v1\/runs\/([^/]+)(\/cancel)?$/.exec(path);
    if (runMatch) {
      requireBearer(req);
      const runId = decodeURIComponent(runMatch[1] ?? "");
      if (method === "GET" && !runMatch[2]) {
        const run = await getRun(ctx.db, runId);
        return run ? sendJson(res, 200, { data: run }) : sendJson(res, 404, { error: "run not found" });
      }
      if ((method === "POST" && runMatch[2]) || (method === "DELETE" && !runMatch[2])) {
        const outcome = await withTx(ctx.db, async (tx) => {
          const run = await lockRun(tx, runId);
          if (!run) return "missing";
          if (isTerminal(run.status)) return run.status;
          await cancelRun(ctx, tx, run, "cancelled through the API");
          return "cancelled";
        });
        if (outcome === "missing") return sendJson(res, 404, { error: "run not found" });
        return sendJson(res, 200, { data: { id: runId, status: outcome } });
      }
    }

    return sendJson(res, 404, { error: `no route ${method} ${path}` });
  };

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpError)
        return sendJson(res, error.status, { error: error.message, status: error.status });
      ctx.log.error("request failed", { method: req.method, path: req.url?.split("?")[0], error });
      if (!res.headersSent) sendJson(res, 500, { error: "internal error", status: 500 });
      else res.end();
    });
  });
}
