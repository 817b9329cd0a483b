import pg from "pg";

const JSON_OID = 114;

// `json` columns hold canonical JSON text that is spliced into request bodies as is, so it is never parsed here.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === JSON_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type Db = pg.Pool;
export type Tx = pg.PoolClient;

export function createPool(databaseUrl: string, max: number): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, types, application_name: "holdfast-engine" });
  // An idle client losing its connection (e.g. PostgreSQL restart) must not crash the process.
  pool.on("error", () => {});
  return pool;
}

const RETRYABLE = new Set(["40P01", "40001"]); // deadlock detected, serialization failure

/** Runs `work` in one transaction; rolls back on any error and retries a transaction PostgreSQL aborted. */
export async function withTx<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await db.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      const code = (error as { code?: string }).code;
      if (!(code && RETRYABLE.has(code) && attempt < 5)) throw error;
    } finally {
      client.release();
    }
  }
}

/** Sentinel thrown inside `withTx` to roll back without it being an error for the caller. */
export class Rollback extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
