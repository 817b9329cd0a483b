// `npm run bench [-- --only api|engine|conversations|agents|console] [--quick] [--rebuild|--no-build]`: every benchmark section in one run,
// written to docs/benchmarks.md. Progress goes to stderr.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { runAgentBench } from "./agents";
import { runApiBench } from "./api";
import { runConsoleBench } from "./console";
import { runConversationBench } from "./conversations";
import { cleanupAll } from "./lib/cleanup";
import { readSection, table, writeDocument } from "./lib/doc";
import { describeMachine } from "./lib/machine";
import { progress } from "./lib/progress";

const SECTIONS = ["api", "engine", "conversations", "agents", "console"] as const;
type SectionId = (typeof SECTIONS)[number];
const DOC = path.join(process.cwd(), "docs", "benchmarks.md");

type EngineModule = { runEngineBench?: (options?: { quick?: boolean }) => Promise<string> };

const usage =
  "usage: npm run bench -- [--only api|engine|conversations|agents|console] [--quick] [--rebuild | --no-build]";

function parse() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      rebuild: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (values.only !== undefined && !SECTIONS.includes(values.only as SectionId)) {
    process.stderr.write(`--only must be one of ${SECTIONS.join(", ")}\n${usage}\n`);
    process.exit(2);
  }
  return {
    only: values.only as SectionId | undefined,
    quick: values.quick,
    rebuild: values.rebuild,
    noBuild: values["no-build"],
  };
}

async function engineSection(quick: boolean): Promise<string> {
  const file = path.join(import.meta.dirname, "engine.ts");
  if (!existsSync(file)) {
    return "## Engine\n\nNot measured: `bench/engine.ts` does not exist yet (the durable-execution engine's benchmark).";
  }
  const engine = (await import(pathToFileURL(file).href)) as EngineModule;
  if (typeof engine.runEngineBench !== "function") {
    throw new Error("bench/engine.ts does not export runEngineBench(): Promise<string>");
  }
  return engine.runEngineBench({ quick });
}

function header(machine: ReturnType<typeof describeMachine>, sectionsRun: SectionId[], quick: boolean): string {
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); do not edit by hand. Re-run it to refresh these numbers —
\`--only api|engine|conversations|agents|console\` refreshes one section and keeps the others from their last run, \`--quick\` is a short
smoke run.

## How to read these numbers

Every section measures Holdfast and, in the same run on the same machine, the physical floor it is judged
against (a bare PostgreSQL round trip or commit), and reports ratios to it: ratios travel between machines far
better than absolute milliseconds. Everything — load generator, app server, PostgreSQL — shares the machine
below, so the absolute numbers are lower bounds on what a larger machine gives, and CPU columns show which
process saturates it. Each section states its own parameters. Percentiles are nearest-rank over every sample.

## Machine

${table(
  ["", ""],
  [
    ["CPU", machine.cpuModel],
    ["Cores", String(machine.cores)],
    ["RAM", `${machine.ramGiB} GiB`],
    ["OS", machine.os],
    ["Node.js", machine.node],
    ["PostgreSQL", machine.postgres],
    ["Load average at start (1/5/15 min)", machine.loadAverage],
    ["Last run", `${machine.date} — sections: ${sectionsRun.join(", ")}${quick ? " (--quick)" : ""}`],
  ],
)}`;
}

async function main() {
  const options = parse();
  const sections = options.only ? [options.only] : [...SECTIONS];
  const machine = describeMachine();
  progress(
    `benchmarks: ${sections.join(", ")}${options.quick ? " (quick)" : ""} on ${machine.cpuModel}, ${machine.cores} cores`,
  );
  if (options.quick) process.env.HOLDFAST_BENCH_QUICK = "1";

  const bodies = new Map<SectionId, string>();
  for (const id of sections) {
    progress(`=== section ${id} ===`);
    const build = { quick: options.quick, rebuild: options.rebuild, noBuild: options.noBuild };
    bodies.set(
      id,
      id === "api"
        ? await runApiBench(build)
        : id === "conversations"
          ? await runConversationBench(build)
          : id === "agents"
            ? await runAgentBench(build)
            : id === "console"
              ? await runConsoleBench({ quick: options.quick })
              : await engineSection(options.quick),
    );
  }
  const titles: Record<SectionId, string> = {
    api: "API",
    engine: "Engine",
    conversations: "Conversations",
    agents: "Agents",
    console: "Console queries",
  };
  const kept = (id: SectionId) =>
    readSection(DOC, id) ?? `## ${titles[id]}\n\nNot measured yet: run \`npm run bench -- --only ${id}\`.`;
  writeDocument(
    DOC,
    header(machine, sections, options.quick),
    SECTIONS.map((id) => ({ id, body: bodies.get(id) ?? kept(id) })),
  );
  progress(`wrote ${path.relative(process.cwd(), DOC)}`);
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    progress(`${signal}: stopping what the benchmarks started`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  if (!interrupted) {
    progress(`failed: ${(error as Error).stack ?? String(error)}`);
    await cleanupAll();
    process.exitCode = 1;
  }
}
