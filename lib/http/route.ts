// Renamed: Biome takes a bare `after(...)` for a test hook.
import { after as afterResponse, type NextRequest } from "next/server";
import { decode } from "next-auth/jwt";
import type { z } from "zod";
import { findActiveToken } from "@/lib/auth/api-tokens";
import { resolveDeviceSession } from "@/lib/auth/device-sessions";
import { sessionCookieName } from "@/lib/auth/next-auth";
import { type DbClient, db, type Role } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { log, withLogContext } from "@/lib/log";
import { recordResponse, withRequestSpan } from "@/lib/telemetry/tracing";
import { type Permission, throwIfNoPermission } from "@/lib/workspaces/permissions";
import { ApiError, notFound, toApiError, unauthenticated } from "./errors";
import { type ApiResult, hashRequest, type IdempotencyMode, idempotencyKeyOf, runIdempotent } from "./idempotency";
import { REQUEST_ID_HEADER, resolveRequestId } from "./request-id";

export type { ApiResult } from "./idempotency";

/** Who is calling: a signed-in person (cookie) or a workspace API token (Bearer). */
export type Actor =
  | { kind: "user"; userId: string; sessionId: string; email: string; name: string }
  | { kind: "token"; tokenId: string; workspaceId: string; roles: Role[]; userId: string | null };

export type WorkspaceRef = { id: string; slug: string; name: string };

type RouteParams = { params: Promise<Record<string, string>> };
type RouteHandler = (request: NextRequest, context: RouteParams) => Promise<Response>;

/** Static facts about a route, read by the tenancy and fuzz suites. */
export type RouteMeta = {
  auth: "public" | "user" | "workspace";
  permission?: Permission;
  body?: z.ZodType;
  idempotent: IdempotencyMode;
};
export type DescribedRoute = RouteHandler & { meta: RouteMeta };

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type BaseContext<Body> = { request: NextRequest; requestId: string; params: Record<string, string>; body: Body };
/** Runs `work` in one transaction (the idempotency transaction itself for [idem] routes). */
type Transact = <T>(work: (tx: DbClient) => Promise<T>) => Promise<T>;
const rootTransaction: Transact = (work) => db().$transaction(work, { maxWait: 10_000, timeout: 30_000 });
export type PublicContext<Body> = BaseContext<Body> & { db: DbClient };
export type UserContext<Body> = BaseContext<Body> & {
  db: DbClient;
  transaction: Transact;
  actor: Extract<Actor, { kind: "user" }>;
};
export type WorkspaceContext<Body> = BaseContext<Body> & {
  /** Inside the idempotency transaction for [idem] routes; the shared client otherwise. */
  db: DbClient;
  transaction: Transact;
  /** Work to do once the request's writes are committed (e.g. relaying outbox events); skipped on failure. */
  afterCommit: (work: () => Promise<void>) => void;
  actor: Actor;
  workspace: WorkspaceRef;
  roles: Role[];
};

type Options<Schema extends z.ZodType | undefined> = { body?: Schema; idempotent?: IdempotencyMode };
type BodyOf<Schema> = Schema extends z.ZodType ? z.infer<Schema> : undefined;

/** Unauthenticated routes (health, sign-up). */
export function withPublic<Schema extends z.ZodType | undefined = undefined>(
  handler: (ctx: PublicContext<BodyOf<Schema>>) => Promise<ApiResult | Response>,
  options: Options<Schema> = {},
): DescribedRoute {
  return describe({ auth: "public", body: options.body, idempotent: false }, async (request, base) => {
    const body = (await parseBody(request, options.body)) as BodyOf<Schema>;
    return handler({ ...base, body, db: db() });
  });
}

/** Routes about the signed-in person (me, sessions, creating a workspace). API tokens are refused here. */
export function withUser<Schema extends z.ZodType | undefined = undefined>(
  handler: (ctx: UserContext<BodyOf<Schema>>) => Promise<ApiResult | Response>,
  options: Options<Schema> = {},
): DescribedRoute {
  return describe({ auth: "user", body: options.body, idempotent: false }, async (request, base, trace) => {
    const actor = await authenticate(request);
    trace.actor = actor;
    if (actor.kind !== "user")
      throw new ApiError(
        "forbidden",
        "user_session_required",
        "this endpoint needs a signed-in user, not an API token",
      );
    const body = (await parseBody(request, options.body)) as BodyOf<Schema>;
    return handler({ ...base, body, db: db(), transaction: rootTransaction, actor });
  });
}

/**
 * Every `/api/v1/workspaces/{ws}/…` handler goes through here: caller → membership in {ws} → permission →
 * body → idempotency. A workspace the caller cannot see answers 404, exactly like one that does not exist.
 */
export function withWorkspace<Schema extends z.ZodType | undefined = undefined>(
  handler: (ctx: WorkspaceContext<BodyOf<Schema>>) => Promise<ApiResult | Response>,
  options: Options<Schema> & { permission: Permission },
): DescribedRoute {
  const meta: RouteMeta = {
    auth: "workspace",
    permission: options.permission,
    body: options.body,
    idempotent: options.idempotent ?? false,
  };
  return describe(meta, async (request, base, trace) => {
    const actor = await authenticate(request);
    trace.actor = actor;
    const { workspace, roles } = await resolveMembership(actor, base.params.ws ?? "");
    trace.workspaceId = workspace.id;
    throwIfNoPermission(roles, options.permission);
    const idempotencyKey = idempotencyKeyOf(request, meta.idempotent);
    const body = (await parseBody(request, options.body)) as BodyOf<Schema>;
    const committedWork: (() => Promise<void>)[] = [];
    const ctx = {
      ...base,
      body,
      actor,
      workspace,
      roles,
      afterCommit: (work: () => Promise<void>) => void committedWork.push(work),
    };
    if (!idempotencyKey) {
      const result = await handler({ ...ctx, db: db(), transaction: rootTransaction });
      await runCommittedWork(committedWork, trace);
      return result;
    }

    let handlerSucceeded = false; // committed too once runIdempotent returns without throwing
    const result = await runIdempotent(
      {
        workspaceId: workspace.id,
        actorKey: actor.kind === "user" ? `user:${actor.userId}` : `token:${actor.tokenId}`,
        key: idempotencyKey,
        requestHash: hashRequest({ method: request.method, route: trace.route, params: base.params, body }),
        route: trace.route,
      },
      async (tx) => {
        const response = await handler({ ...ctx, db: tx, transaction: (work) => work(tx) });
        if (response instanceof Response) throw new Error("idempotent handlers return an ApiResult, not a Response");
        handlerSucceeded = true;
        return response;
      },
      (error) => errorResult(toApiError(logIfUnexpected(error, trace)), base.requestId),
    );
    if (handlerSucceeded) await runCommittedWork(committedWork, trace);
    const headers = { ...result.headers, ...(result.replayed ? { "Idempotent-Replayed": "true" } : {}) };
    return jsonResponse({ status: result.status, headers }, result.body);
  });
}

type Trace = { route: string; actor?: Actor; workspaceId?: string };

/**
 * After-commit work runs before the response, so that a 202 normally means the engine already has the event (a
 * crash right after the response would otherwise leave it to the once-a-minute relay). It never fails the request:
 * what it does must also be retried elsewhere (the outbox relay cron).
 */
async function runCommittedWork(work: (() => Promise<void>)[], trace: Trace) {
  for (const item of work) {
    await item().catch((error: unknown) => log("warn", "after_commit.failed", { route: trace.route, error }));
  }
}

function describe(
  meta: RouteMeta,
  run: (request: NextRequest, base: BaseContext<undefined>, trace: Trace) => Promise<ApiResult | Response>,
): DescribedRoute {
  const handler: RouteHandler = async (request, context) => {
    const started = performance.now();
    const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
    const trace: Trace = { route: routeLabel(request) };
    const attributes = { "http.request.method": request.method, "url.path": request.nextUrl.pathname };
    // Lines logged while serving this request name it (and its workspace, once known) without being told.
    const logScope = {
      requestId,
      get workspaceId() {
        return trace.workspaceId;
      },
    };
    // The request's span is the root of its trace (trace id from the request id); events carry it on.
    return withLogContext(logScope, () =>
      withRequestSpan(requestId, trace.route, attributes, async (span) => {
        let response: Response;
        let errorCode: string | undefined;
        try {
          const params = (await context.params) ?? {};
          const result = await run(request, { request, requestId, params, body: undefined }, trace);
          response = result instanceof Response ? result : jsonResponse(result);
        } catch (error) {
          const apiError = toApiError(logIfUnexpected(error, trace));
          errorCode = apiError.code;
          response = jsonResponse(errorResult(apiError, requestId));
        }
        response.headers.set(REQUEST_ID_HEADER, requestId);
        const durationMs = Math.round(performance.now() - started);
        // The request log is written after the response is sent: it costs the caller no round trip.
        afterResponse(() => recordRequest(request, response.status, durationMs, requestId, trace, errorCode));
        recordResponse(span, response.status, errorCode, trace.workspaceId);
        return response;
      }),
    );
  };
  return Object.assign(handler, { meta });
}

export function errorResult(error: ApiError, requestId: string): ApiResult {
  return { status: error.status, body: error.body ?? error.envelope(requestId), headers: error.headers };
}

/** `serializedBody`, when given, is sent as is (idempotent replays must be byte-identical). */
export function jsonResponse(result: Omit<ApiResult, "body"> & { body?: unknown }, serializedBody?: string): Response {
  const headers = new Headers(result.headers);
  headers.set("cache-control", "no-store");
  if (result.status === 204) return new Response(null, { status: 204, headers });
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(serializedBody ?? JSON.stringify(result.body), { status: result.status, headers });
}

async function authenticate(request: NextRequest): Promise<Actor> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match?.[1] ? await findActiveToken(db(), match[1]) : null;
    if (!token) throw unauthenticated();
    return {
      kind: "token",
      tokenId: token.tokenId,
      workspaceId: token.workspaceId,
      roles: token.roles,
      userId: token.createdById,
    };
  }
  const cookie = request.cookies.get(sessionCookieName())?.value;
  if (!cookie) throw unauthenticated();
  const jwt = await decode({ token: cookie, secret: serverEnv().NEXTAUTH_SECRET }).catch(() => null);
  const session = typeof jwt?.sid === "string" ? await resolveDeviceSession(db(), jwt.sid) : null;
  if (!session) throw unauthenticated();
  if (UNSAFE_METHODS.has(request.method)) throwIfCrossSite(request);
  return { kind: "user", ...session };
}

/**
 * Cookie-authenticated writes must come from our own pages: a foreign Origin, `Origin: null` and a missing
 * Origin are all refused (Bearer calls carry no ambient credentials and are exempt).
 */
export function throwIfCrossSite(request: Request): void {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const allowed = new Set([new URL(serverEnv().NEXTAUTH_URL).origin]);
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  if (!origin || origin === "null" || !allowed.has(origin)) {
    throw new ApiError("forbidden", "cross_site_request", "cross-site request refused (Origin missing or foreign)");
  }
}

async function resolveMembership(actor: Actor, slug: string): Promise<{ workspace: WorkspaceRef; roles: Role[] }> {
  const workspace = await db().workspace.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } });
  if (!workspace) throw notFound("workspace");
  if (actor.kind === "token") {
    if (actor.workspaceId !== workspace.id) throw notFound("workspace");
    return { workspace, roles: actor.roles };
  }
  const membership = await db().membership.findUnique({
    where: { workspaceId_userId: { workspaceId: workspace.id, userId: actor.userId } },
    select: { roles: true },
  });
  if (!membership) throw notFound("workspace");
  return { workspace, roles: membership.roles };
}

async function parseBody<Schema extends z.ZodType | undefined>(request: Request, schema: Schema): Promise<unknown> {
  if (!schema) return undefined;
  let raw: unknown;
  try {
    const text = await request.text();
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError("validation", "invalid_json", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new ApiError("validation", "invalid_body", `${where}${issue?.message ?? "invalid body"}`);
  }
  return parsed.data;
}

/** "METHOD /path" of this request, for logs and the idempotency fingerprint. */
function routeLabel(request: NextRequest): string {
  return `${request.method} ${request.nextUrl.pathname}`;
}

function logIfUnexpected(error: unknown, trace: Trace): unknown {
  if (!(error instanceof ApiError)) log("error", "request.failed", { route: trace.route, error });
  return error;
}

async function recordRequest(
  request: NextRequest,
  status: number,
  durationMs: number,
  requestId: string,
  trace: Trace,
  errorCode: string | undefined,
) {
  const actor = trace.actor;
  const fields = {
    requestId,
    method: request.method,
    route: request.nextUrl.pathname,
    status,
    durationMs,
    errorCode: errorCode ?? null,
    workspaceId: trace.workspaceId ?? (actor?.kind === "token" ? actor.workspaceId : null),
    userId: actor?.userId ?? null,
    tokenId: actor?.kind === "token" ? actor.tokenId : null,
  };
  log(status >= 500 ? "error" : "info", "request.completed", { request_id: requestId, ...fields });
  await db()
    .requestLog.create({ data: fields })
    .catch((error: unknown) => log("warn", "request_log.write_failed", { request_id: requestId, error }));
}
