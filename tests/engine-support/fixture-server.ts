// A standalone app serving the test functions over real HTTP with the SDK's node adapter, in cloud mode.
// Env: PORT, DATABASE_URL, INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY, INNGEST_BASE_URL, FIXTURE_SET.
import { createServer } from "node:http";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import pg from "pg";
import { cacheRequestInvariants, engineFetch } from "../../inngest/transport.ts";
import { badFunctions, benchFunctions, createRecorder, cronFunctions, mainFunctions } from "./fixture-functions.ts";

const set = process.env.FIXTURE_SET ?? "main";
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const record = createRecorder(pool);
// The product's transport (inngest/client.ts), so that tests and the benchmark exercise what production runs.
const inngest = cacheRequestInvariants(
  new Inngest({
    id: set === "main" ? "fixture" : `fixture-${set}`,
    isDev: false,
    signingKey: process.env.INNGEST_SIGNING_KEY,
    eventKey: process.env.INNGEST_EVENT_KEY,
    baseUrl: process.env.INNGEST_BASE_URL,
    fetch: engineFetch,
    logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  }),
);
const functions =
  set === "main"
    ? mainFunctions(inngest, record)
    : set === "cron"
      ? cronFunctions(inngest, record)
      : set === "bench"
        ? benchFunctions(inngest)
        : badFunctions(inngest, set);
const handler = serve({ client: inngest, functions });

const server = createServer((req, res) => {
  if (req.url === "/ready") {
    res.writeHead(200).end("ok");
    return;
  }
  if (!req.url?.startsWith("/api/inngest")) {
    res.writeHead(404).end();
    return;
  }
  handler(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1");
