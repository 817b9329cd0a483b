import "vitest";
import type { TestProject } from "vitest/node";
import { type AppServer, startAppServer } from "./app-server";
import { prepareTestCluster, type TestCluster } from "./database";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    databaseUrl: string;
    appUrl: string;
  }
}

let cluster: TestCluster | undefined;
let app: AppServer | undefined;

// One PostgreSQL cluster and one production Next.js server for the whole run; tests isolate themselves by
// creating their own workspaces (or, for engine and crash tests, their own databases).
export async function setup(project: TestProject) {
  cluster = await prepareTestCluster();
  app = await startAppServer({ databaseUrl: cluster.databaseUrl });
  project.provide("pgAdminUrl", cluster.adminUrl);
  project.provide("databaseUrl", cluster.databaseUrl);
  project.provide("appUrl", app.url);
}

export async function teardown() {
  await app?.stop();
  await cluster?.stop();
}
