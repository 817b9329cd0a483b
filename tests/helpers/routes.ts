import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RouteMeta } from "@/lib/http/route";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One exported HTTP method of one route module, as found in the source tree at test time. */
export type DiscoveredRoute = {
  /** `app/api/v1/workspaces/[ws]/members/[userId]/route.ts` */
  file: string;
  /** `/api/v1/workspaces/{ws}/members/{userId}` */
  template: string;
  /** Path parameter names in order: `["ws", "userId"]` */
  params: string[];
  method: HttpMethod;
  /** `undefined` when the export was not built with one of the wrappers of lib/http/route.ts. */
  meta: RouteMeta | undefined;
  /** `PATCH /api/v1/workspaces/{ws}/members/{userId}` */
  key: string;
};

const ROOT = process.cwd();

function findRouteFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const child = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findRouteFiles(child));
    else if (/^route\.(ts|tsx|js|mjs)$/.test(entry.name)) found.push(child);
  }
  return found.sort();
}

/** `app/api/v1/x/[id]/route.ts` → `/api/v1/x/{id}`; route groups `(name)` are not part of the URL. */
export function templateOf(file: string): { template: string; params: string[] } {
  const segments = path.posix
    .dirname(file)
    .split("/")
    .slice(1) // "app"
    .filter((segment) => !/^\(.*\)$/.test(segment));
  const params: string[] = [];
  const template = `/${segments
    .map((segment) => {
      const match = /^\[{1,2}(\.\.\.)?([^\]]+)\]{1,2}$/.exec(segment);
      if (!match) return segment;
      const name = `${match[1] ?? ""}${match[2]}`;
      params.push(name);
      return `{${name}}`;
    })
    .join("/")}`;
  return { template, params };
}

/**
 * Every route module under `root` (a folder of the app, e.g. `app/api/v1`) and every HTTP method it exports,
 * imported for real so that each handler's `.meta` can be read.
 */
export async function discoverRoutes(root = "app/api/v1"): Promise<DiscoveredRoute[]> {
  const routes: DiscoveredRoute[] = [];
  for (const file of findRouteFiles(root)) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    const { template, params } = templateOf(file);
    for (const method of HTTP_METHODS) {
      const handler = mod[method];
      if (typeof handler !== "function") continue;
      const meta = (handler as { meta?: RouteMeta }).meta;
      routes.push({ file, template, params, method, meta, key: `${method} ${template}` });
    }
  }
  return routes;
}

/** The URL templates the production build under test registered (from its app-paths manifest). */
export function builtRouteTemplates(prefix: string): string[] | null {
  const manifest = path.join(ROOT, process.env.HOLDFAST_NEXT_DIST_DIR || ".next", "server", "app-paths-manifest.json");
  if (!existsSync(manifest)) return null;
  const entries = Object.keys(JSON.parse(readFileSync(manifest, "utf8")) as Record<string, string>);
  return entries
    .filter((entry) => entry.endsWith("/route"))
    .map((entry) => templateOf(`app${entry}.ts`).template)
    .filter((template) => template.startsWith(prefix))
    .sort();
}

/**
 * Fills `{name}` placeholders. A name without a value fails loudly, naming the fixture table to extend, so that
 * a new route with a new kind of id cannot slip through the suites untested.
 */
export function fillPath(template: string, values: Record<string, string>, fixtureTable: string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(
        `route ${template} has the path parameter {${name}}, which has no fixture: add "${name}" to ${fixtureTable}`,
      );
    }
    return encodeURIComponent(value);
  });
}
