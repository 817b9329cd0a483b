import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { expect, test } from "vitest";
import { db } from "@/lib/db";
import { performToolCall } from "@/lib/tools/side-effect-ledger";

// A process is `kill -9`ed in the middle of a send_email call — once before the email went out, once after.
// The next caller finds the call `pending` with a lapsed lease, marks it `in_doubt`, reconciles with the
// outbox, and the workspace ends with exactly one email either way.

const CHILD = path.join(import.meta.dirname, "ledger-child.ts");

function startChild(args: string[]): { child: ChildProcess; hanging: Promise<string> } {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", CHILD, ...args], {
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const hanging = new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk);
      const line = /HANGING (\S+)/.exec(stdout);
      if (line?.[1]) resolve(line[1]);
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before hanging:\n${stderr}`)));
  });
  return { child, hanging };
}

async function killHard(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

test.each(["before", "after"])(
  "a caller killed -9 %s sending: in_doubt → reconcile → exactly one email",
  async (when) => {
    const slug = `crash-${randomBytes(4).toString("hex")}`;
    const workspaceId = (await db().workspace.create({ data: { slug, name: slug } })).id;
    const runId = randomUUID();
    const params = { to: "ada@example.test", subject: "Your disk was cleaned", body: `Killed ${when} sending.` };

    const { child, hanging } = startChild([workspaceId, runId, when, JSON.stringify(params)]);
    expect(await hanging).toBe(`${when}-send`);
    await killHard(child);

    const crashed = await db().sideEffect.findFirstOrThrow({ where: { workspaceId, runId } });
    expect(crashed).toMatchObject({ status: "pending", attempts: 1 });
    expect(await db().outboxEmail.count({ where: { workspaceId } })).toBe(when === "after" ? 1 : 0);

    const outcome = await performToolCall({ workspaceId, runId, tool: "send_email", params });
    expect(outcome).toMatchObject({
      sideEffectId: crashed.id,
      status: "performed",
      attempts: 2,
      reconciled: when === "after",
      replayed: false,
    });
    expect(await db().outboxEmail.count({ where: { workspaceId } })).toBe(1);
    const row = await db().sideEffect.findUniqueOrThrow({ where: { id: crashed.id } });
    expect(row).toMatchObject({ status: "performed", leaseOwner: null });

    // And from now on it is a plain repeat.
    const again = await performToolCall({ workspaceId, runId, tool: "send_email", params });
    expect(again).toMatchObject({ replayed: true, result: outcome.result });
    expect(await db().outboxEmail.count({ where: { workspaceId } })).toBe(1);
  },
);
