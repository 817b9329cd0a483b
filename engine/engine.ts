import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import pg from "pg";
import type { EngineConfig } from "./config.ts";
import { createPool } from "./db.ts";
import { createEngineServer } from "./http/server.ts";
import { createLogger } from "./log.ts";
import { migrateEngineSchema } from "./migrate.ts";
import type { EngineContext } from "./runtime/context.ts";
import { Registry } from "./runtime/registry.ts";
import { syncUntilUp } from "./runtime/sync.ts";
import { Worker } from "./runtime/worker.ts";

export type RunningEngine = { url: string; port: number; ctx: EngineContext; stop: () => Promise<void> };

/** Migrates the `engine` schema, serves the HTTP API, runs the worker, and syncs the app in the background. */
export async function startEngine(config: EngineConfig): Promise<RunningEngine> {
  const log = createLogger(config.logLevel);
  await migrateEngineSchema(config.databaseUrl);
  const db = createPool(config.databaseUrl, config.dbPoolSize);
  const registry = new Registry(db);
  await registry.reload();
  let worker: Worker | undefined;
  let listener: pg.Client | undefined;
  let stopped = false;
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  // The payload names the sender, whose own listener ignores it: its worker was woken directly.
  const notifyOthers = () => {
    db.query({ name: "engine.notify-queue", text: "SELECT pg_notify('engine_queue', $1)", values: [owner] }).catch(
      () => {},
    );
  };
  const ctx: EngineContext = {
    db,
    config,
    log,
    registry,
    owner,
    wake: () => {
      worker?.wake();
      notifyOthers();
    },
    slots: {
      reserve: () => worker?.reserve() ?? false,
      release: () => worker?.release(),
      start: (item) => worker?.startReserved(item),
    },
    now: () => Date.now(),
  };

  // NOTIFY wakes every engine process: new work (engine_queue) or a sync by another process (engine_sync).
  const listen = async () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString: config.databaseUrl, application_name: "holdfast-engine-listen" });
    client.on("notification", (message) => {
      if (message.channel === "engine_sync") registry.reload().catch((error) => log.error("reload failed", { error }));
      else if (message.payload !== owner) worker?.wake();
    });
    client.on("error", () => {
      client.end().catch(() => {});
      if (!stopped) setTimeout(() => listen().catch(() => {}), 500);
    });
    await client.connect();
    await client.query("LISTEN engine_queue");
    await client.query("LISTEN engine_sync");
    listener = client;
  };
  await listen();

  worker = new Worker(ctx);
  worker.start();
  if (!config.eventKey) log.warn("INNGEST_EVENT_KEY is unset: the event API accepts any key");

  const server = createEngineServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  log.info("engine listening", { url, owner: ctx.owner, functions: registry.all().length });

  if (config.appServeUrl) {
    syncUntilUp(ctx, config.appServeUrl, () => stopped).catch((error) => log.error("sync loop failed", { error }));
  }

  return {
    url,
    port,
    ctx,
    stop: async () => {
      stopped = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await worker?.stop();
      await listener?.end().catch(() => {});
      await db.end();
    },
  };
}
