const started = performance.now();

/** Progress goes to stderr, so that stdout stays free for whatever wraps the run. */
export function progress(line: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[bench ${seconds}s] ${line}\n`);
}
