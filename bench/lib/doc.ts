import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

// docs/benchmarks.md is a header plus one marked block per section, so that `--only X` rewrites X and keeps
// the other sections from their last run.
const begin = (id: string) => `<!-- bench:begin ${id} -->`;
const end = (id: string) => `<!-- bench:end ${id} -->`;

export function readSection(file: string, id: string): string | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  const from = text.indexOf(begin(id));
  const to = text.indexOf(end(id));
  if (from < 0 || to < from) return null;
  return text.slice(from + begin(id).length, to).trim();
}

export function writeDocument(file: string, header: string, sections: { id: string; body: string }[]): void {
  const parts = [header.trim(), ...sections.map(({ id, body }) => `${begin(id)}\n${body.trim()}\n${end(id)}`)];
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${parts.join("\n\n")}\n`);
}

/** A markdown table; `align` is "l" or "r" per column. */
export function table(headers: string[], rows: string[][], align: ("l" | "r")[] = []): string {
  const rule = headers.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [headers, rule, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
