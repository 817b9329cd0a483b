import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cacheRequestInvariants, engineFetch } from "@/inngest/transport";
import { freePort } from "../helpers/app-server";

// The Inngest client's transport against a real HTTP server: it must behave like `fetch` for everything the SDK
// relies on (status, headers, body, errors, aborts) while keeping its connections alive.

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };

let server: Server;
let base: string;
let seen: Seen[] = [];
let connections = 0;

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path === "/created") {
    res.writeHead(201, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"], "x-echo": body.length });
    res.end(JSON.stringify({ got: JSON.parse(body) }));
  } else if (path === "/empty") {
    res.writeHead(204).end();
  } else if (path === "/conflict") {
    res.writeHead(409, { "content-type": "application/json" }).end('{"error":"stale dispatch"}');
  } else if (path === "/moved") {
    res.writeHead(307, { location: "/created" }).end();
  } else if (path === "/never") {
    // Holds the request open: only an abort ends it.
  } else {
    res.writeHead(200).end(body);
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    readAll(req).then((body) => answer(req, res, body));
  });
  server.on("connection", () => connections++);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  seen = [];
});

describe("engineFetch", () => {
  it("sends method, query, headers and body as given and returns status, headers and body like fetch", async () => {
    const response = await engineFetch(`${base}/created?fnId=a%20b`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({ steps: [1, "ü"] }),
    });
    expect(seen).toEqual([
      expect.objectContaining({
        method: "POST",
        url: "/created?fnId=a%20b",
        body: '{"steps":[1,"ü"]}',
        headers: expect.objectContaining({ "content-type": "application/json", authorization: "Bearer k" }),
      }),
    ]);
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([201, "Created", true]);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.headers.get("x-echo")).toBe(String('{"steps":[1,"ü"]}'.length));
    expect(await response.json()).toEqual({ got: { steps: [1, "ü"] } });
  });

  it("accepts a URL object (as the SDK passes it), Headers and header pairs, and requests without a body", async () => {
    await engineFetch(new URL(`${base}/echo`), { headers: new Headers({ "x-one": "1" }) });
    await engineFetch(`${base}/echo`, { method: "DELETE", headers: [["x-two", "2"]] });
    expect(seen.map((s) => [s.method, s.headers["x-one"] ?? s.headers["x-two"], s.body])).toEqual([
      ["GET", "1", ""],
      ["DELETE", "2", ""],
    ]);
  });

  it("keeps one connection alive across sequential requests", async () => {
    await engineFetch(`${base}/echo`, { method: "POST", body: "warm" });
    const before = connections;
    for (let i = 0; i < 5; i++) await (await engineFetch(`${base}/echo`, { method: "POST", body: `n${i}` })).text();
    expect(connections).toBe(before);
    expect(seen.map((s) => s.body)).toEqual(["warm", "n0", "n1", "n2", "n3", "n4"]);
  });

  it("returns error statuses and bodiless answers as responses", async () => {
    const conflict = await engineFetch(`${base}/conflict`, { method: "POST", body: "{}" });
    expect([conflict.status, conflict.ok, await conflict.text()]).toEqual([409, false, '{"error":"stale dispatch"}']);
    const empty = await engineFetch(`${base}/empty`, { method: "POST", body: "{}" });
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it("follows a redirect with its body (asking again through fetch), and leaves other redirect modes to fetch", async () => {
    const followed = await engineFetch(`${base}/moved`, { method: "POST", body: '{"x":1}' });
    expect([followed.status, await followed.json()]).toEqual([201, { got: { x: 1 } }]);
    expect(seen.map((s) => [s.url, s.body])).toEqual([
      ["/moved", '{"x":1}'],
      ["/moved", '{"x":1}'],
      ["/created", '{"x":1}'],
    ]);
    const manual = await engineFetch(`${base}/moved`, { method: "POST", body: "{}", redirect: "manual" });
    expect([manual.status, manual.headers.get("location")]).toEqual([307, "/created"]);
    await expect(engineFetch(`${base}/moved`, { method: "POST", body: "{}", redirect: "error" })).rejects.toThrow(
      TypeError,
    );
  });

  it("reads a buffered body once, whole or as a stream, and clones it like a Response", async () => {
    const post = () => engineFetch(`${base}/created`, { method: "POST", body: '{"n":1}' });
    const whole = await post();
    const copy = whole.clone();
    expect(whole.bodyUsed).toBe(false);
    expect(await whole.json()).toEqual({ got: { n: 1 } });
    expect(whole.bodyUsed).toBe(true);
    await expect(whole.text()).rejects.toThrow(TypeError);
    expect(() => whole.clone()).toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe('{"got":{"n":1}}');

    const original = await post();
    const twin = original.clone();
    new Uint8Array(await original.arrayBuffer()).fill(0); // a reader owns what it read; the clone keeps its own
    expect(await twin.text()).toBe('{"got":{"n":1}}');
    original.headers.set("x-changed", "1"); // and its own headers
    expect([twin.status, twin.headers.get("content-type"), twin.headers.has("x-changed")]).toEqual([
      201,
      "application/json",
      false,
    ]);

    const blob = await (await post()).blob();
    expect([blob.type, await blob.text()]).toEqual(["application/json", '{"got":{"n":1}}']);

    const streamed = await post();
    const branch = streamed.clone();
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
    reader.releaseLock();
    expect(Buffer.concat(chunks).toString()).toBe('{"got":{"n":1}}');
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.json()).rejects.toThrow(TypeError);
    expect(await branch.json()).toEqual({ got: { n: 1 } });

    const teed = await post();
    void teed.body; // a stream handed out but not read yet can still be cloned (by a tee) and read either way
    const teeBranch = teed.clone();
    expect([await teed.json(), await teeBranch.json()]).toEqual([{ got: { n: 1 } }, { got: { n: 1 } }]);
  });

  it("rejects with the signal's reason when aborted or timed out", async () => {
    const controller = new AbortController();
    const pending = engineFetch(`${base}/never`, { method: "POST", body: "{}", signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await expect(
      engineFetch(`${base}/never`, { method: "POST", body: "{}", signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("fails like fetch when nothing listens: TypeError('fetch failed') with the cause", async () => {
    const port = await freePort();
    const failure = await engineFetch(`http://127.0.0.1:${port}/e/key`, { method: "POST", body: "[]" }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: "fetch failed", cause: { code: "ECONNREFUSED" } });
  });

  it("delivers byte bodies too (they go through the global fetch)", async () => {
    const response = await engineFetch(`${base}/echo`, { method: "POST", body: new TextEncoder().encode("bytes") });
    expect([response.status, await response.text()]).toEqual([200, "bytes"]);
    expect(seen.map((s) => s.body)).toEqual(["bytes"]);
  });
});

describe("cacheRequestInvariants", () => {
  it("keeps the SDK's headers as computed at start, without reading the environment again", () => {
    const fresh = new Inngest({ id: "transport-test", isDev: false });
    const cached = cacheRequestInvariants(new Inngest({ id: "transport-test", isDev: false }));
    expect(cached.headers).toEqual(fresh.headers);
    const previous = process.env.INNGEST_ENV;
    process.env.INNGEST_ENV = "changed-after-start";
    try {
      expect(fresh.headers["x-inngest-env"]).toBe("changed-after-start"); // the SDK re-reads it per request
      expect(cached.headers).not.toHaveProperty("x-inngest-env");
    } finally {
      if (previous === undefined) delete process.env.INNGEST_ENV;
      else process.env.INNGEST_ENV = previous;
    }
  });

  it("remembers the bearer token for the signing key it was computed from", () => {
    const key = (n: number) => `signkey-test-${String(n).repeat(64)}`;
    const fresh = new Inngest({ id: "transport-test", isDev: false, signingKey: key(1) });
    const cached = cacheRequestInvariants(
      new Inngest({ id: "transport-test", isDev: false }).setEnvVars({ INNGEST_SIGNING_KEY: key(1) }),
    );
    // biome-ignore lint/complexity/useLiteralKeys: the token lives on the client's private API client
    const token = (client: Inngest.Any): string => client["inngestApi"].hashedKey;
    expect(token(cached)).toBe(token(fresh));
    expect(token(cached)).toMatch(/^signkey-test-[0-9a-f]{64}$/);
    cached.setEnvVars({ INNGEST_SIGNING_KEY: key(2) }); // a key from the environment may change: hashed again
    expect(token(cached)).toBe(token(new Inngest({ id: "transport-test", isDev: false, signingKey: key(2) })));
    expect(token(cached)).not.toBe(token(fresh));
  });
});
