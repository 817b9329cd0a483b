// `npm run engine` — Holdfast's durable-execution engine for Inngest functions (see docs/engine.md).
// `npm run engine -- sync [url]` asks a running engine to re-sync the app.
import { startTracing } from "../lib/telemetry/setup.ts";
import { readEngineConfig } from "./config.ts";
import { startEngine } from "./engine.ts";
import { hashedSigningKey } from "./protocol/signing.ts";

async function main(argv: string[]): Promise<void> {
  const config = readEngineConfig();
  if (argv[0] === "sync") {
    const response = await fetch(`http://${config.host}:${config.port}/v1/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${hashedSigningKey(config.signingKey)}`, "content-type": "application/json" },
      body: JSON.stringify(argv[1] ? { url: argv[1] } : {}),
    });
    process.stdout.write(`${await response.text()}\n`);
    process.exitCode = response.ok ? 0 : 1;
    return;
  }
  // Spans of runs (docs/observability.md): off unless HOLDFAST_TRACES or an OTLP endpoint is configured.
  const telemetry = startTracing("holdfast-engine");
  const engine = await startEngine(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    engine.ctx.log.info("engine stopping", { signal });
    // In-flight calls keep their leases; another engine (or this one, restarted) resumes them.
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    engine
      .stop()
      .then(() => telemetry?.shutdown().catch(() => {}))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: "error", component: "engine", msg: "engine failed to start", error: (error as Error).message })}\n`,
  );
  process.exit(1);
});
