import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { bearer } from "../engine-support/harness";
import { type Proc, startEngineProcess, TEST_EVENT_KEY, TEST_SIGNING_KEY } from "../engine-support/processes";
import { type AppServer, freePort, startAppServer } from "./app-server";

const runFile = promisify(execFile);

export type Product = {
  url: string;
  app: AppServer;
  engine: Proc;
  /** `kill -9` of the web server, then a new one on the same port (the engine keeps calling that URL). */
  crashAndRestartApp: () => Promise<void>;
  /** `kill -9` of the engine, then a new one on the same port and database. */
  crashAndRestartEngine: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * Holdfast as `npm start` runs it, as real processes: the engine and the production web server, wired by the
 * signing key and event key, against `databaseUrl`. `env` reaches the web server (e.g. OPENAI_BASE_URL).
 */
export async function startProduct(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Reaches the engine (e.g. the OTLP endpoint its traces go to). */
  engineEnv?: Record<string, string>;
}): Promise<Product> {
  const enginePort = await freePort();
  const appPort = await freePort();
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const serveUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  const engine = await startEngineProcess({
    databaseUrl: options.databaseUrl,
    port: enginePort,
    appServeUrl: serveUrl,
    env: options.engineEnv,
  });
  const appEnv = {
    INNGEST_SIGNING_KEY: TEST_SIGNING_KEY,
    INNGEST_EVENT_KEY: TEST_EVENT_KEY,
    INNGEST_BASE_URL: engineUrl,
    ...options.env,
  };
  const start = () => startAppServer({ databaseUrl: options.databaseUrl, port: appPort, env: appEnv });
  const product: Product = {
    url: "",
    app: await start(),
    engine,
    crashAndRestartApp: async () => {
      await product.app.kill9();
      product.app = await start();
    },
    crashAndRestartEngine: async () => {
      await product.engine.kill9();
      product.engine = await startEngineProcess({
        databaseUrl: options.databaseUrl,
        port: enginePort,
        appServeUrl: serveUrl,
        env: options.engineEnv,
      });
    },
    stop: async () => {
      await product.app.stop();
      await product.engine.stop();
    },
  };
  product.url = product.app.url;
  try {
    await waitForSync(engineUrl);
  } catch (error) {
    await product.stop();
    throw new Error(`${(error as Error).message}\nengine output:\n${engine.output().slice(-3_000)}`);
  }
  return product;
}

/**
 * A workspace API caller that rides out a web server being killed and restarted: network errors and 5xx answers
 * are retried (writes carry an Idempotency-Key, so a retry never does the work twice) for up to a minute.
 */
export function resilientWorkspaceApi(product: Pick<Product, "url">, input: { workspace: string; token: string }) {
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const response = await fetch(`${product.url}/api/v1/workspaces/${input.workspace}${path}`, {
          ...init,
          headers: {
            authorization: `Bearer ${input.token}`,
            "content-type": "application/json",
            ...(init.headers as object),
          },
        });
        if (response.status < 500 || Date.now() > deadline) return response;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
}

/** The engine syncs the app in the background; tests start once it knows the app's functions. */
async function waitForSync(engineUrl: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${engineUrl}/v1/functions`, { headers: bearer() }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { data?: unknown[] } | null;
    if (body?.data?.length) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the engine at ${engineUrl} did not sync the app within 30 s`);
}

/** Seeds a user, workspace and API token in another database through the real command line. */
export async function seedWithCli(databaseUrl: string, input: { email: string; workspace: string; roles?: string[] }) {
  const roles = (input.roles ?? ["member"]).flatMap((role) => ["--role", role]);
  const { stdout } = await runFile(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "scripts/holdfast.ts",
      "seed-user",
      "--email",
      input.email,
      "--password",
      "seeded-password",
      "--workspace",
      input.workspace,
      ...roles,
      "--token",
    ],
    { env: { ...process.env, DATABASE_URL: databaseUrl } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
    user_id: string;
    workspace: string;
    token: string;
  };
}
