// `npm run holdfast -- <command>`: the operator's command line. Each command lives in scripts/commands/<name>.ts.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [name, ...argv] = process.argv.slice(2);
const file = path.join(import.meta.dirname, "commands", `${name ?? ""}.ts`);

if (!name || !/^[a-z-]+$/.test(name) || !existsSync(file)) {
  process.stderr.write(
    "usage: npm run holdfast -- <command>\n" +
      "  start                 web server + engine on the embedded defaults (npm start)\n" +
      "  migrate               apply pending database migrations\n" +
      "  seed-user --email E --password P --workspace SLUG [--role ROLE]... [--token]\n" +
      "  runs [--status S]     durable runs on the engine\n" +
      "  retention [--dry-run] [--workspace SLUG]... [--json]   delete what is past each workspace's retention\n",
  );
  process.exit(name ? 2 : 0);
}

const command = (await import(pathToFileURL(file).href)) as { default: (argv: string[]) => Promise<void> };
await command.default(argv);
