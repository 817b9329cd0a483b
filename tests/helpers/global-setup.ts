import "vitest";
import type { TestProject } from "vitest/node";
import { prepareTestCluster, type TestCluster } from "./database";
import { type Product, startProduct } from "./product";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    databaseUrl: string;
    appUrl: string;
  }
}

let cluster: TestCluster | undefined;
let product: Product | undefined;

// One PostgreSQL cluster and one Holdfast (production web server + engine) for the whole run; tests isolate
// themselves by creating their own workspaces (or, for engine and crash tests, their own databases and processes).
export async function setup(project: TestProject) {
  cluster = await prepareTestCluster();
  product = await startProduct({ databaseUrl: cluster.databaseUrl });
  project.provide("pgAdminUrl", cluster.adminUrl);
  project.provide("databaseUrl", cluster.databaseUrl);
  project.provide("appUrl", product.url);
}

export async function teardown() {
  await product?.stop();
  await cluster?.stop();
}
