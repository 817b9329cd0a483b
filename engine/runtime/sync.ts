import { z } from "zod";
import { withTx } from "../db.ts";
import { signBody, verifySignature } from "../protocol/signing.ts";
import type { EngineContext } from "./context.ts";
import { scheduleCrons } from "./cron-scheduler.ts";
import { type FunctionDef, parseFunctionConfig, SyncError } from "./function-config.ts";
import { canonical } from "./run-state.ts";

// Registration. In-band: the engine PUTs the serve URL and the SDK answers with its functions. Out-of-band: the
// SDK POSTs them to /fn/register. Either way every function is validated before anything is stored.

const inBandResponse = z.object({
  app_id: z.string().min(1),
  functions: z.array(z.unknown()),
  sdk: z.string().optional(),
  url: z.string().optional(),
});

export type SyncResult = { appId: string; functions: string[] };

export async function syncInBand(ctx: EngineContext, serveUrl: string): Promise<SyncResult> {
  const body = canonical({ url: serveUrl });
  const response = await fetch(serveUrl, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      "x-inngest-sync-kind": "in_band",
      "x-inngest-server-kind": "cloud",
      "x-inngest-signature": signBody(ctx.config.signingKey, body, ctx.now()),
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200 || response.headers.get("x-inngest-sync-kind") !== "in_band") {
    throw new Error(`in-band sync of ${serveUrl} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  const keys = [ctx.config.signingKey, ...(ctx.config.signingKeyFallback ? [ctx.config.signingKeyFallback] : [])];
  if (!verifySignature(response.headers.get("x-inngest-signature"), text, keys, ctx.now())) {
    throw new SyncError(`in-band sync of ${serveUrl}: the answer is not signed with our signing key`);
  }
  const parsed = inBandResponse.safeParse(JSON.parse(text));
  if (!parsed.success) throw new SyncError(`in-band sync of ${serveUrl}: unexpected answer (${parsed.error.message})`);
  return registerApp(ctx, {
    appId: parsed.data.app_id,
    url: parsed.data.url ?? serveUrl,
    sdk: parsed.data.sdk,
    functions: parsed.data.functions,
  });
}

export async function registerApp(
  ctx: EngineContext,
  app: { appId: string; url: string; sdk?: string; functions: unknown[] },
): Promise<SyncResult> {
  const fns: FunctionDef[] = app.functions.map((raw) => parseFunctionConfig(raw, app.appId));
  const ids = new Set<string>();
  for (const fn of fns) {
    if (ids.has(fn.id)) throw new SyncError(`function id ${fn.id} appears twice`);
    ids.add(fn.id);
  }
  await withTx(ctx.db, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('engine.sync:' || $1))", [app.appId]);
    await tx.query(
      `INSERT INTO engine.apps (id, url, sdk, synced_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, sdk = excluded.sdk, synced_at = now()`,
      [app.appId, app.url, app.sdk ?? null],
    );
    await scheduleCrons(tx, fns, app.appId, new Date(ctx.now()));
    await tx.query("DELETE FROM engine.functions WHERE app_id = $1 AND NOT (id = ANY($2))", [app.appId, [...ids]]);
    for (const fn of fns) {
      const raw = app.functions.find((f) => (f as { id?: string }).id === fn.id);
      await tx.query(
        `INSERT INTO engine.functions (id, app_id, name, url, config, updated_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (id) DO UPDATE SET app_id = excluded.app_id, name = excluded.name, url = excluded.url,
           config = excluded.config, updated_at = now()`,
        [fn.id, app.appId, fn.name, fn.url, JSON.stringify(raw)],
      );
    }
    await tx.query("NOTIFY engine_sync");
  });
  await ctx.registry.reload();
  ctx.log.info("app synced", { appId: app.appId, url: app.url, functions: [...ids] });
  return { appId: app.appId, functions: [...ids] };
}

/** Retries the in-band sync until the web server answers (it may start after the engine). */
export async function syncUntilUp(ctx: EngineContext, serveUrl: string, stopped: () => boolean): Promise<void> {
  let failures = 0;
  while (!stopped()) {
    try {
      await syncInBand(ctx, serveUrl);
      return;
    } catch (error) {
      failures++;
      // A config the engine refuses is loud and final (fix the app, then re-sync); an unreachable server is
      // expected while it boots.
      if (error instanceof SyncError) {
        ctx.log.error("sync refused", { url: serveUrl, error });
        return;
      }
      if (failures === 1 || failures % 30 === 0)
        ctx.log.warn("app not reachable yet; retrying sync", { url: serveUrl, error });
      await new Promise((resolve) => setTimeout(resolve, ctx.config.syncRetryMs));
    }
  }
}
