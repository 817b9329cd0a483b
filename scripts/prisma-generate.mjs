// `prisma generate` needs no schema engine, but the CLI insists one exists; any file satisfies it
// (the engine cannot be downloaded on machines without internet).
import { execFileSync } from "node:child_process";

execFileSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath },
});
