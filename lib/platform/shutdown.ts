// Work a process must finish before it exits on SIGTERM/SIGINT (buffered log lines, pending spans). Kept on
// globalThis: the web server's front (scripts/web-server.ts) and the Next.js bundles that register the hooks each
// load their own copy of this module.

type Hook = () => Promise<void>;
const HOOKS = Symbol.for("holdfast.shutdownHooks");
const holder = globalThis as { [HOOKS]?: Map<string, Hook> };

/** Registers (or replaces, by name) work to finish before this process exits. */
export function onShutdown(name: string, hook: Hook): void {
  holder[HOOKS] ??= new Map();
  holder[HOOKS].set(name, hook);
}

/** Runs every hook once, together; a failing hook does not keep the others from running. */
export async function runShutdownHooks(): Promise<void> {
  const hooks = [...(holder[HOOKS]?.values() ?? [])];
  holder[HOOKS]?.clear();
  await Promise.allSettled(hooks.map((hook) => hook()));
}
