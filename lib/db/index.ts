import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseEnv } from "@/lib/env";
import { PrismaClient } from "./generated/client.ts";

export type { Prisma } from "./generated/client.ts";
export { Role } from "./generated/enums.ts";

export type Database = PrismaClient;
/** A client usable both outside and inside an interactive transaction. */
export type DbClient = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { holdfastDb?: PrismaClient };

function createClient(): PrismaClient {
  const env = databaseEnv();
  const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: env.HOLDFAST_DB_POOL_SIZE });
  return new PrismaClient({ adapter });
}

/** The process-wide Prisma client (one pool per process, reused across hot reloads). */
export function db(): PrismaClient {
  globalForDb.holdfastDb ??= createClient();
  return globalForDb.holdfastDb;
}
