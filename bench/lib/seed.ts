import { spawn } from "node:child_process";
import path from "node:path";

export type Seeded = { user_id: string; workspace: string; token: string };

/**
 * A user + workspace + API token through the operator CLI (`npm run holdfast -- seed-user … --token`), which
 * runs the app's own seedUser under the react-server condition that lib/db needs.
 */
export async function seedUserViaCli(input: {
  databaseUrl: string;
  email: string;
  password: string;
  workspace: string;
  roles: string[];
}): Promise<Seeded> {
  const args = [
    "--conditions=react-server",
    path.join("scripts", "holdfast.ts"),
    "seed-user",
    "--email",
    input.email,
    "--password",
    input.password,
    "--workspace",
    input.workspace,
    ...input.roles.flatMap((role) => ["--role", role]),
    "--token",
  ];
  const child = spawn(path.join("node_modules", ".bin", "tsx"), args, {
    env: { ...process.env, DATABASE_URL: input.databaseUrl, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0) throw new Error(`seed-user failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  const seeded = JSON.parse(line) as Partial<Seeded>;
  if (!seeded.token || !seeded.workspace) throw new Error(`seed-user printed no token: ${line}`);
  return seeded as Seeded;
}
