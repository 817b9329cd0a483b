// Just the parts of autocannon 9 (untyped CommonJS) that the benchmarks use; see its README "API".
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export type AutocannonRequest = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Mutates the raw request before it is sent; a falsy return restarts the request list. */
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest | null;
  };

  export type AutocannonClient = EventEmitter & {
    setHeaders(headers: Record<string, string>): void;
    setBody(body: string | Buffer): void;
    setHeadersAndBody(headers: Record<string, string>, body: string | Buffer): void;
    setRequest(request: AutocannonRequest): void;
  };

  export type AutocannonHistogram = {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  };

  export type AutocannonResult = {
    requests: AutocannonHistogram;
    latency: AutocannonHistogram;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  };

  export type AutocannonOptions = {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    amount?: number;
    /** Seconds. */
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: AutocannonRequest[];
    setupClient?: (client: AutocannonClient) => void;
    excludeErrorStats?: boolean;
    bailout?: number;
  };

  export type AutocannonInstance = EventEmitter &
    PromiseLike<AutocannonResult> & {
      stop(): void;
      on(
        event: "response",
        listener: (client: AutocannonClient, statusCode: number, resBytes: number, responseTimeMs: number) => void,
      ): AutocannonInstance;
      on(event: "reqError", listener: (error: Error) => void): AutocannonInstance;
      on(event: string, listener: (...args: unknown[]) => void): AutocannonInstance;
    };

  function autocannon(options: AutocannonOptions): AutocannonInstance;
  export default autocannon;
}
