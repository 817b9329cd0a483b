import type { EngineConfig } from "../config.ts";
import type { Db } from "../db.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "./registry.ts";
import type { LeasedItem } from "./run-state.ts";

/** Everything a part of the engine needs, passed explicitly instead of module-level singletons. */
export type EngineContext = {
  db: Db;
  config: EngineConfig;
  log: Logger;
  registry: Registry;
  /** Unique per process: the lease owner name. */
  owner: string;
  /** Wakes the local worker loop and, through NOTIFY, the other engine processes. */
  wake: () => void;
  /** The local worker's slots, for runs this process leases to itself as it creates them (`LocalStarts`). */
  slots: { reserve: () => boolean; release: () => void; start: (item: LeasedItem) => void };
  now: () => number;
};
