import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/** The parts of Prisma's DMMF datamodel the drift test reads. */
export type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  type: string;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
export type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
export type DmmfEnum = { name: string; dbName?: string | null; values: { name: string; dbName: string | null }[] };
export type DmmfIndex = {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  isDefinedOnField: boolean;
  name?: string;
  dbName?: string;
  fields: { name: string }[];
};
export type Datamodel = { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };

const ROOT = process.cwd();

/**
 * The DMMF of a Prisma schema as the Prisma CLI itself computes it (its own schema parser, compiled to wasm):
 * `prisma generate` runs a one-off generator that writes the datamodel to a file. `@prisma/internals`' getDMMF
 * is not installed here, and the schema engine binary is not needed for `generate`.
 */
export async function loadDatamodel(schemaPath = path.join(ROOT, "prisma", "schema.prisma")): Promise<Datamodel> {
  const dir = await mkdtemp(path.join(tmpdir(), "holdfast-dmmf-"));
  try {
    const schema = await readFile(schemaPath, "utf8");
    const generator = path.join(ROOT, "tests", "helpers", "dmmf-generator.mjs");
    await writeFile(
      path.join(dir, "schema.prisma"),
      `${schema}\n\ngenerator holdfast_dmmf {\n  provider = ${JSON.stringify(`node ${generator}`)}\n  output   = ${JSON.stringify(path.join(dir, "out"))}\n}\n`,
    );
    const out = path.join(dir, "datamodel.json");
    await promisify(execFile)(
      process.execPath,
      [
        path.join(ROOT, "node_modules", "prisma", "build", "index.js"),
        "generate",
        "--schema",
        "schema.prisma",
        "--generator",
        "holdfast_dmmf",
      ],
      {
        cwd: dir, // away from prisma.config.ts: only this schema counts
        env: { ...process.env, HOLDFAST_DMMF_OUT: out, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, NO_COLOR: "1" },
        timeout: 60_000,
      },
    );
    return JSON.parse(await readFile(out, "utf8")) as Datamodel;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
