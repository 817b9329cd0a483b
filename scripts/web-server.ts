// The web server: Next.js behind a thin Node HTTP front whose one job is to know the client's address.
// `next start` keeps a client-sent X-Forwarded-For as is, so anyone could pick their own "IP" and dodge the
// per-IP sign-in limit. Here the header is rebuilt from the socket and the configured number of trusted proxies.
import http from "node:http";
import next from "next";
import { clientAddress } from "@/lib/http/client-address";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
const dev = process.argv.includes("--dev");
// How many reverse proxies stand in front of this server (each appends the address it received from).
const trustedProxies = Number(process.env.HOLDFAST_TRUSTED_PROXIES ?? 0);

const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
http
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
