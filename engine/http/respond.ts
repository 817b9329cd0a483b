import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY = 32 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The request body as text. Read with `data` events rather than `for await`: an async iterator per request cost
 * a measurable share of a checkpoint (docs/engine.md). A body over the limit (declared or counted) is answered
 * 413 and the connection closed, so the rest of it is never read.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY) {
    return Promise.reject(new HttpError(413, "request body too large"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.off("data", onData).pause();
        reject(new HttpError(413, "request body too large"));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    // A request whose body was not read to the end (413) ends its connection rather than having it drained.
    ...(res.req.complete ? {} : { connection: "close" }),
  });
  res.end(text);
}
