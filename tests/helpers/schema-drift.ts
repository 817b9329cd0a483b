import pg from "pg";
import type { Datamodel, DmmfField, DmmfIndex, DmmfModel } from "./prisma-dmmf";

// Prisma's PostgreSQL mapping: the column type a scalar gets without @db.*, and the type each @db.* names.
const DEFAULT_TYPE: Record<string, { udt: string; precision?: number }> = {
  String: { udt: "text" },
  Int: { udt: "int4" },
  BigInt: { udt: "int8" },
  Float: { udt: "float8" },
  Decimal: { udt: "numeric" },
  Boolean: { udt: "bool" },
  DateTime: { udt: "timestamp", precision: 3 },
  Json: { udt: "jsonb" },
  Bytes: { udt: "bytea" },
};
const NATIVE_TYPE: Record<string, string> = {
  Uuid: "uuid",
  Text: "text",
  VarChar: "varchar",
  Char: "bpchar",
  Citext: "citext",
  Inet: "inet",
  Xml: "xml",
  Bit: "bit",
  VarBit: "varbit",
  Oid: "oid",
  SmallInt: "int2",
  Integer: "int4",
  BigInt: "int8",
  Real: "float4",
  DoublePrecision: "float8",
  Decimal: "numeric",
  Money: "money",
  Boolean: "bool",
  Timestamp: "timestamp",
  Timestamptz: "timestamptz",
  Date: "date",
  Time: "time",
  Timetz: "timetz",
  Json: "json",
  JsonB: "jsonb",
  ByteA: "bytea",
};
const TIME_TYPES = new Set(["timestamp", "timestamptz", "time", "timetz"]);
// Defaults Prisma fills in on the client; they leave no DEFAULT in the database.
const CLIENT_DEFAULTS = new Set(["uuid", "cuid", "nanoid", "ulid"]);
const FK_ACTION: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };
const IGNORED_TABLES = new Set(["_prisma_migrations"]);

type Column = {
  table: string;
  column: string;
  udt: string;
  isArray: boolean;
  nullable: boolean;
  default: string | null;
  precision: number | null;
  length: number | null;
};
type Index = { table: string; name: string; columns: string[]; unique: boolean; primary: boolean; partial: boolean };
type ForeignKey = {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
};

/** What the database's `public` schema holds: tables, columns, indexes, foreign keys and enum types. */
async function introspect(client: pg.Client) {
  const columns = (
    await client.query<Column>(`
      SELECT c.table_name AS table, c.column_name AS column,
             CASE WHEN c.data_type = 'ARRAY' THEN substr(c.udt_name, 2) ELSE c.udt_name END AS udt,
             c.data_type = 'ARRAY' AS "isArray", c.is_nullable = 'YES' AS nullable, c.column_default AS default,
             c.datetime_precision AS precision, c.character_maximum_length AS length
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`)
  ).rows;
  const indexes = (
    await client.query<Index>(`
      SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
             (x.indpred IS NOT NULL OR x.indexprs IS NOT NULL) AS partial,
             array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
      FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'`)
  ).rows;
  const foreignKeys = (
    await client.query<ForeignKey>(`
      SELECT t.relname AS table, c.conname AS name, r.relname AS "refTable",
             c.confdeltype AS "onDelete", c.confupdtype AS "onUpdate",
             array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
             array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS "refColumns"
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND c.contype = 'f'`)
  ).rows;
  const enumRows = (
    await client.query<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`)
  ).rows;
  return { columns, indexes, foreignKeys, enums: new Map(enumRows.map((e) => [e.name, e.values])) };
}

const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
const columnOf = (field: DmmfField) => field.dbName ?? field.name;
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Prisma's default constraint names, when they fit PostgreSQL's 63 characters (else Prisma shortens them). */
function defaultName(table: string, columns: string[], suffix: string): string | null {
  const name = suffix === "pkey" ? `${table}_pkey` : `${table}_${columns.join("_")}_${suffix}`;
  return name.length <= 63 ? name : null;
}

function expectedType(field: DmmfField, enumNames: Map<string, string>) {
  if (field.kind === "enum")
    return { udt: enumNames.get(field.type) ?? field.type, precision: undefined, length: undefined };
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const udt = NATIVE_TYPE[name] ?? name.toLowerCase();
    const first = args[0] === undefined ? undefined : Number(args[0]);
    return {
      udt,
      precision: TIME_TYPES.has(udt) ? (first ?? 6) : undefined,
      length: udt === "varchar" || udt === "bpchar" ? first : undefined,
    };
  }
  const fallback = DEFAULT_TYPE[field.type];
  return { udt: fallback?.udt ?? `?${field.type}`, precision: fallback?.precision, length: undefined };
}

function defaultProblem(field: DmmfField, column: Column): string | null {
  const value = field.default as { name?: string; args?: unknown[] } | unknown;
  const where = `${column.table}.${column.column}`;
  const fn =
    value && typeof value === "object" && !Array.isArray(value) ? (value as { name?: string }).name : undefined;
  const wantsDbDefault = field.hasDefaultValue && !(fn && CLIENT_DEFAULTS.has(fn));
  if (wantsDbDefault && column.default === null) return `${where}: schema.prisma has a default, the column has none`;
  if (!wantsDbDefault && column.default !== null)
    return `${where}: the column has DEFAULT ${column.default}, which schema.prisma does not declare`;
  if (wantsDbDefault && fn === "now" && !/CURRENT_TIMESTAMP|now\(\)/i.test(column.default ?? ""))
    return `${where}: default should be now(), is ${column.default}`;
  if (wantsDbDefault && !fn && (typeof value === "number" || typeof value === "string" || typeof value === "boolean")) {
    if (!(column.default ?? "").includes(String(value)))
      return `${where}: default should be ${JSON.stringify(value)}, is ${column.default}`;
  }
  return null;
}

/**
 * Every difference between the Prisma datamodel and the live `public` schema, as readable lines (empty when the
 * two agree): missing or extra tables and columns, column types, nullability and defaults, enum types and
 * values, primary keys, unique and plain indexes, and foreign keys with their actions.
 */
export async function describeDrift(datamodel: Datamodel, databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const db = await introspect(client);
    const problems: string[] = [];
    const enumNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
    const modelsByName = new Map(datamodel.models.map((m) => [m.name, m]));

    // Enums
    for (const e of datamodel.enums) {
      const name = e.dbName ?? e.name;
      const values = db.enums.get(name);
      const expected = e.values.map((v) => v.dbName ?? v.name);
      if (!values) problems.push(`enum ${name}: missing in the database`);
      else if (!same(values, expected))
        problems.push(`enum ${name}: database has [${values.join(", ")}], schema.prisma [${expected.join(", ")}]`);
    }
    for (const name of db.enums.keys()) {
      if (![...enumNames.values()].includes(name)) problems.push(`enum ${name}: in the database, not in schema.prisma`);
    }

    // Tables and columns
    const tables = new Set(db.columns.map((c) => c.table));
    const modelTables = new Set(datamodel.models.map(tableOf));
    for (const table of tables) {
      if (!modelTables.has(table) && !IGNORED_TABLES.has(table))
        problems.push(`table ${table}: in the database, not in schema.prisma`);
    }
    for (const model of datamodel.models) {
      const table = tableOf(model);
      if (!tables.has(table)) {
        problems.push(`table ${table} (model ${model.name}): missing in the database`);
        continue;
      }
      const columns = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
      const scalars = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
      for (const field of scalars) {
        const name = columnOf(field);
        const column = columns.get(name);
        const where = `${table}.${name}`;
        if (!column) {
          problems.push(`${where} (${model.name}.${field.name}): missing in the database`);
          continue;
        }
        const want = expectedType(field, enumNames);
        if (column.udt !== want.udt) problems.push(`${where}: type ${column.udt}, schema.prisma wants ${want.udt}`);
        if (want.precision !== undefined && column.precision !== want.precision)
          problems.push(`${where}: precision ${column.precision}, schema.prisma wants ${want.precision}`);
        if (want.length !== undefined && column.length !== want.length)
          problems.push(`${where}: length ${column.length}, schema.prisma wants ${want.length}`);
        if (column.isArray !== field.isList)
          problems.push(`${where}: ${column.isArray ? "an array" : "not an array"} in the database`);
        // Prisma creates list columns without NOT NULL and does not compare their nullability.
        if (!field.isList && column.nullable === field.isRequired)
          problems.push(
            `${where}: ${column.nullable ? "nullable" : "NOT NULL"} in the database, ${field.isRequired ? "required" : "optional"} in schema.prisma`,
          );
        const defaultIssue = defaultProblem(field, column);
        if (defaultIssue) problems.push(defaultIssue);
      }
      const known = new Set(scalars.map(columnOf));
      for (const name of columns.keys()) {
        if (!known.has(name)) problems.push(`${table}.${name}: column in the database, not in schema.prisma`);
      }
    }

    // Primary keys, unique and plain indexes
    const matched = new Set<string>();
    for (const index of datamodel.indexes) {
      const model = modelsByName.get(index.model);
      if (!model || index.type === "fulltext") continue;
      const table = tableOf(model);
      const columns = index.fields.map((f) => {
        const field = model.fields.find((candidate) => candidate.name === f.name);
        return field ? columnOf(field) : f.name;
      });
      const found = db.indexes.find(
        (i) =>
          i.table === table &&
          same(i.columns, columns) &&
          !i.partial &&
          (index.type === "id" ? i.primary : index.type === "unique" ? i.unique && !i.primary : !i.unique),
      );
      const label = `${describeIndex(index)} on ${table}(${columns.join(", ")})`;
      if (!found) {
        problems.push(`${label}: missing in the database`);
        continue;
      }
      matched.add(found.name);
      const suffix = index.type === "id" ? "pkey" : index.type === "unique" ? "key" : "idx";
      const wantName = index.dbName ?? defaultName(table, columns, suffix);
      if (wantName && found.name !== wantName)
        problems.push(`${label}: named ${found.name}, Prisma expects ${wantName}`);
    }
    for (const index of db.indexes) {
      // Indexes of unknown tables are reported with their table; partial and expression indexes cannot be
      // written in schema.prisma, so hand-written ones are allowed.
      if (matched.has(index.name) || !modelTables.has(index.table) || index.partial) continue;
      problems.push(
        `index ${index.name} on ${index.table}(${index.columns.join(", ")}): in the database, not in schema.prisma`,
      );
    }

    // Foreign keys
    const matchedKeys = new Set<string>();
    for (const model of datamodel.models) {
      for (const field of model.fields) {
        if (field.kind !== "object" || !field.relationFromFields?.length) continue;
        const target = modelsByName.get(field.type);
        if (!target) continue;
        const table = tableOf(model);
        const columns = field.relationFromFields.map((name) =>
          columnOf(model.fields.find((f) => f.name === name) as DmmfField),
        );
        const refColumns = (field.relationToFields ?? []).map((name) =>
          columnOf(target.fields.find((f) => f.name === name) as DmmfField),
        );
        const optional = field.relationFromFields.some(
          (name) => !model.fields.find((f) => f.name === name)?.isRequired,
        );
        const onDelete = field.relationOnDelete ?? (optional ? "SetNull" : "Restrict");
        const onUpdate = field.relationOnUpdate ?? "Cascade";
        const label = `foreign key ${table}(${columns.join(", ")}) → ${tableOf(target)}(${refColumns.join(", ")})`;
        const found = db.foreignKeys.find(
          (k) =>
            k.table === table &&
            same(k.columns, columns) &&
            k.refTable === tableOf(target) &&
            same(k.refColumns, refColumns),
        );
        if (!found) {
          problems.push(`${label}: missing in the database`);
          continue;
        }
        matchedKeys.add(`${found.table}.${found.name}`);
        if (FK_ACTION[found.onDelete] !== onDelete)
          problems.push(`${label}: ON DELETE ${FK_ACTION[found.onDelete]}, schema.prisma says ${onDelete}`);
        if (FK_ACTION[found.onUpdate] !== onUpdate)
          problems.push(`${label}: ON UPDATE ${FK_ACTION[found.onUpdate]}, schema.prisma says ${onUpdate}`);
      }
    }
    for (const key of db.foreignKeys) {
      if (!matchedKeys.has(`${key.table}.${key.name}`) && modelTables.has(key.table))
        problems.push(
          `foreign key ${key.name} on ${key.table}(${key.columns.join(", ")}): in the database, not in schema.prisma`,
        );
    }
    return problems.sort();
  } finally {
    await client.end();
  }
}

function describeIndex(index: DmmfIndex): string {
  return index.type === "id" ? "primary key" : index.type === "unique" ? "unique index" : "index";
}
