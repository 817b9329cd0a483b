import autocannon, { type AutocannonOptions } from "autocannon";
import { type CpuWindow, cpuWindow } from "./cpu";
import { type Summary, summarize } from "./stats";

export type LoadResult = {
  summary: Summary;
  /** Responses by status code (including unexpected ones, which are left out of the latencies). */
  statuses: Record<string, number>;
  unexpected: number;
  errors: number;
  seconds: number;
  cpu: CpuWindow;
};

export type LoadSpec = Omit<AutocannonOptions, "duration" | "connections"> & { expectStatus: number };

/**
 * One autocannon run of `seconds` at `connections`. Latencies are taken from autocannon's per-response
 * `responseTime` (hrtime, sub-millisecond) rather than its integer-millisecond histogram, and only for the
 * expected status; CPU is sampled over exactly this run for the server, PostgreSQL and this process.
 */
export async function runLoad(
  spec: LoadSpec,
  options: { connections: number; seconds: number; serverPid: number; postmasterPid: number },
): Promise<LoadResult> {
  const { expectStatus, ...autocannonOptions } = spec;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const closeCpu = cpuWindow(options.serverPid, options.postmasterPid);
  const started = performance.now();
  const instance = autocannon({
    ...autocannonOptions,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
  });
  instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode === expectStatus) latencies.push(responseTimeMs);
  });
  instance.on("reqError", () => {
    errors++;
  });
  await instance;
  const seconds = (performance.now() - started) / 1000;
  const cpu = closeCpu();
  const unexpected = Object.entries(statuses)
    .filter(([code]) => Number(code) !== expectStatus)
    .reduce((sum, [, count]) => sum + count, 0);
  return { summary: summarize(latencies, seconds), statuses, unexpected, errors, seconds, cpu };
}
