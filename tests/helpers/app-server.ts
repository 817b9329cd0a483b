import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export type AppServer = {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
  kill9: () => Promise<void>;
};

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Starts the production web server on the current build as a real process, ready when /api/health answers. */
export async function startAppServer(options: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<AppServer> {
  if (!existsSync(path.join(process.cwd(), process.env.HOLDFAST_NEXT_DIST_DIR || ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npm run build` first (npm test does)");
  }
  const port = options.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  // The production web server (scripts/web-server.ts) as one node process, so that kill -9 hits the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "web-server.ts")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: options.databaseUrl,
      NEXTAUTH_SECRET: TEST_SECRET,
      NEXTAUTH_URL: url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      // The test client stands in for a reverse proxy: its X-Forwarded-For names the "client" of each request.
      HOLDFAST_TRUSTED_PROXIES: "1",
      ...options.env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`the web server exited with ${code}`))),
  );
  await Promise.race([waitForHealth(url), exited]);
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await gone;
  };
  return { url, port, process: child, stop: () => stopWith("SIGTERM"), kill9: () => stopWith("SIGKILL") };
}

async function waitForHealth(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app at ${url} did not become healthy within 60 s`);
}
