import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// CPU accounting from /proc (Linux): where the cores went during a measured window.

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

type ProcStat = { pid: number; ppid: number; ticks: number };

function readProcStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: parse after its closing ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // After the name: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17), here shifted by 3.
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, ppid, ticks };
  } catch {
    return null; // exited meanwhile
  }
}

/**
 * CPU milliseconds used so far by `rootPid` and all its descendants. Each process counts its own time plus
 * that of its children that already exited (cutime/cstime), so a backend that exits mid-window is counted once.
 */
export function treeCpuMs(rootPid: number): number {
  const all: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const root = all.find((stat) => stat.pid === rootPid);
  const queue = root ? [root] : [];
  while (queue.length) {
    const stat = queue.pop() as ProcStat;
    ticks += stat.ticks;
    queue.push(...(children.get(stat.pid) ?? []));
  }
  return (ticks * 1000) / clockTicks();
}

/** Busy and total CPU milliseconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: (busy * 1000) / clockTicks(), total: ((busy + idle + iowait) * 1000) / clockTicks() };
}

export type CpuWindow = { serverMs: number; postgresMs: number; benchMs: number; machineBusyMs: number };

/** Starts a CPU window over the app server, the PostgreSQL cluster and this process; call the result to close it. */
export function cpuWindow(serverPid: number, postmasterPid: number): () => CpuWindow {
  const server = treeCpuMs(serverPid);
  const postgres = treeCpuMs(postmasterPid);
  const bench = process.cpuUsage();
  const machine = machineCpuMs();
  return () => {
    const benchUsed = process.cpuUsage(bench);
    return {
      serverMs: treeCpuMs(serverPid) - server,
      postgresMs: treeCpuMs(postmasterPid) - postgres,
      benchMs: (benchUsed.user + benchUsed.system) / 1000,
      machineBusyMs: machineCpuMs().busy - machine.busy,
    };
  };
}
