import { progress } from "./progress";

type Task = { name: string; run: () => Promise<void> };

const pending: Task[] = [];

/**
 * Registers something to undo (stop a server, a cluster). The returned function runs it now, at most once;
 * `cleanupAll` runs whatever is still registered (on Ctrl-C or a crash), newest first.
 */
export function defer(name: string, undo: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const task: Task = {
    name,
    run: () => {
      done ??= (async () => {
        const index = pending.indexOf(task);
        if (index >= 0) pending.splice(index, 1);
        await undo();
      })();
      return done;
    },
  };
  pending.push(task);
  return task.run;
}

export async function cleanupAll(): Promise<void> {
  for (const task of [...pending].reverse()) {
    try {
      progress(`cleanup: ${task.name}`);
      await task.run();
    } catch (error) {
      progress(`cleanup of ${task.name} failed: ${(error as Error).message}`);
    }
  }
}
