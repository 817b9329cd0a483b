// The web server: Next.js behind a thin Node HTTP front whose one job is to know the client's address.
// `next start` keeps a client-sent X-Forwarded-For as is, so anyone could pick their own "IP" and dodge the
// per-IP sign-in limit. Here the header is rebuilt from the socket and the configured number of trusted proxies.
import http from "node:http";
import next from "next";
import { clientAddress } from "@/lib/http/client-address";
import { runShutdownHooks } from "@/lib/platform/shutdown";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
const dev = process.argv.includes("--dev");
// How many reverse proxies stand in front of this server (each appends the address it received from).
const trustedProxies = Number(process.env.HOLDFAST_TRUSTED_PROXIES ?? 0);

// On SIGTERM/SIGINT (a deploy, Ctrl-C), requests in flight get this long to finish; streams are resumable
// (Last-Event-ID), so a stream still open after it is simply cut.
const GRACE_MS = 5_000;

const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
const server = http
  .createServer((request, response) => {
    request.headers["x-forwarded-for"] = clientAddress(
      request.headers["x-forwarded-for"],
      request.socket.remoteAddress ?? "",
      trustedProxies,
    );
    void handle(request, response);
  })
  .listen(port, hostname, () => {
    process.stdout.write(`web server ready on http://${hostname}:${port}${dev ? " (dev)" : ""}\n`);
  });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), GRACE_MS + 5_000).unref(); // whatever hangs, the process still ends
  // No new connections; keep-alive connections are closed as soon as their last response is done.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  await new Promise<void>((resolve) => {
    server.close(() => resolve()); // resolves once the open connections have ended
    setTimeout(resolve, GRACE_MS).unref();
  });
  clearInterval(sweep);
  server.closeAllConnections();
  // Then what the process still holds: buffered log lines, spans not yet exported.
  await runShutdownHooks();
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void stop());
