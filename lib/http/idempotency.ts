import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { type DbClient, db } from "@/lib/db";
import { ApiError } from "./errors";

export type ApiResult = { status: number; body: unknown; headers?: Record<string, string> };

const KEY = /^[\x21-\x7E]{1,255}$/;
// A repeat waits this long for the original to finish before answering 409 idempotency_in_progress.
const WAIT_FOR_ORIGINAL = "10s";
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * How a route treats Idempotency-Key: `true` requires it; `"optional"` replays when one is sent and runs plainly
 * when not (endpoints whose contract in API.md has no key, made safe to retry for clients that send one).
 */
export type IdempotencyMode = boolean | "optional";

export function idempotencyKeyOf(request: Request, mode: IdempotencyMode): string | null {
  if (mode === true || (mode === "optional" && request.headers.has("idempotency-key"))) {
    return requireIdempotencyKey(request);
  }
  return null;
}

function requireIdempotencyKey(request: Request): string {
  const key = request.headers.get("idempotency-key");
  if (!key)
    throw new ApiError("validation", "idempotency_key_required", "this endpoint requires an Idempotency-Key header");
  if (!KEY.test(key))
    throw new ApiError(
      "validation",
      "idempotency_key_invalid",
      "Idempotency-Key must be 1-255 visible ASCII characters",
    );
  return key;
}

export function hashRequest(parts: {
  method: string;
  route: string;
  params: Record<string, string>;
  body: unknown;
}): string {
  return createHash("sha256")
    .update(canonicalize(parts) ?? "")
    .digest("hex");
}

type Claim = { workspaceId: string; actorKey: string; key: string; requestHash: string; route: string };
type IdemRow = {
  request_hash: string;
  response_status: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
  completed_at: Date | null;
};

/**
 * Runs `execute` at most once per (workspace, caller, key), Stripe-style.
 * The claim row, the handler's writes and the saved response share one transaction, and the claim row stays
 * locked (FOR UPDATE) while the handler runs: a concurrent repeat blocks on it and then replays the saved
 * response; a crash rolls everything back, so a later retry executes afresh.
 */
export async function runIdempotent(
  claim: Claim,
  execute: (tx: DbClient) => Promise<ApiResult>,
  toErrorResult: (error: unknown) => ApiResult,
): Promise<SerializedResult & { replayed: boolean }> {
  // Fast path for the common repeat: a finished record is immutable, so it replays without a transaction or lock.
  const [finished] = await db().$queryRaw<IdemRow[]>`
    SELECT request_hash, response_status, response_body, response_headers, completed_at FROM idempotency_records
    WHERE workspace_id = ${claim.workspaceId}::uuid AND actor_key = ${claim.actorKey} AND key = ${claim.key}
      AND completed_at IS NOT NULL`;
  if (finished) {
    if (finished.request_hash !== claim.requestHash) throw keyReused();
    return replay(finished);
  }
  try {
    return await db().$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${WAIT_FOR_ORIGINAL}'`);
        await tx.$executeRaw`
          INSERT INTO idempotency_records (id, workspace_id, actor_key, key, request_hash, route)
          VALUES (gen_random_uuid(), ${claim.workspaceId}::uuid, ${claim.actorKey}, ${claim.key}, ${claim.requestHash}, ${claim.route})
          ON CONFLICT (workspace_id, actor_key, key) DO NOTHING`;
        const [row] = await tx.$queryRaw<IdemRow[]>`
          SELECT request_hash, response_status, response_body, response_headers, completed_at FROM idempotency_records
          WHERE workspace_id = ${claim.workspaceId}::uuid AND actor_key = ${claim.actorKey} AND key = ${claim.key}
          FOR UPDATE`;
        await tx.$executeRawUnsafe("SET LOCAL lock_timeout = 0");
        if (!row) throw new Error("idempotency record vanished");
        if (row.request_hash !== claim.requestHash) throw keyReused();
        if (row.completed_at) return replay(row);
        // The handler runs under a savepoint: when it fails, its writes are undone but the claim row stays locked
        // and its error is saved in this same transaction, so a repeat waiting on the claim replays that error
        // rather than executing again.
        await tx.$executeRawUnsafe("SAVEPOINT idempotent_handler");
        let result: SerializedResult;
        try {
          result = serialize(await execute(tx));
        } catch (error) {
          await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT idempotent_handler");
          result = serialize(toErrorResult(error));
        }
        await saveResult(tx, claim, result);
        return { ...result, replayed: false };
      },
      { maxWait: 30_000, timeout: 60_000 },
    );
  } catch (error) {
    if (isLockTimeout(error)) {
      throw new ApiError(
        "conflict",
        "idempotency_in_progress",
        "a request with this Idempotency-Key is still executing",
      );
    }
    throw error;
  }
}

/** A result whose body is already the exact JSON text sent, so that replays are byte-identical. */
type SerializedResult = ApiResult & { body: string };

const serialize = (result: ApiResult): SerializedResult => ({ ...result, body: JSON.stringify(result.body) });

function replay(row: IdemRow): SerializedResult & { replayed: boolean } {
  return {
    status: row.response_status ?? 500,
    body: row.response_body ?? "null",
    headers: row.response_headers ?? {},
    replayed: true,
  };
}

async function saveResult(tx: DbClient, claim: Claim, result: SerializedResult) {
  await tx.$executeRaw`
    UPDATE idempotency_records
    SET response_status = ${result.status}, response_body = ${result.body},
        response_headers = ${JSON.stringify(result.headers ?? {})}::jsonb, completed_at = now()
    WHERE workspace_id = ${claim.workspaceId}::uuid AND actor_key = ${claim.actorKey} AND key = ${claim.key}`;
}

const keyReused = () =>
  new ApiError(
    "unprocessable",
    "idempotency_key_reused",
    "this Idempotency-Key was used with a different request body",
  );

function isLockTimeout(error: unknown): boolean {
  const text = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})) ?? "";
  return text.includes(LOCK_NOT_AVAILABLE) || /lock timeout/i.test(text);
}
