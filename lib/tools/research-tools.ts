import "server-only";
import { z } from "zod";
import { fetchAllowedUrl } from "@/lib/world/fetch";
import { upsertRecord } from "@/lib/world/records";
import { defineTool } from "./types";

const slugOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60) || "summary";

/**
 * `fetch_url`'s tool timeout (default 15 s). `HOLDFAST_FETCH_URL_TOOL_TIMEOUT_MS` lowers it: the fault-injection
 * tests use it to make a tool exceed its timeout (a hanging allow-listed host) without waiting 15 s.
 */
function fetchUrlTimeoutMs(): number {
  const value = Number(process.env.HOLDFAST_FETCH_URL_TOOL_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 ? value : 15_000;
}

export function createResearchTools({ workspaceId }: { workspaceId: string }) {
  const fetchUrl = defineTool({
    name: "fetch_url",
    description: "Fetch a web page or document by URL (only allow-listed hosts, e.g. holdfast.local).",
    risk: "read",
    inputSchema: z.object({ url: z.string().trim().min(1).max(2048) }),
    timeoutMs: fetchUrlTimeoutMs(),
    rateLimit: { limit: 120, windowSeconds: 60 },
    execute: (ctx, input) => fetchAllowedUrl({ url: input.url, signal: ctx.signal }),
  });

  const writeSummary = defineTool({
    name: "write_summary",
    description: "Write a summary artifact (title, markdown content, source URLs) into the records store.",
    risk: "write_local",
    inputSchema: z.object({
      title: z.string().trim().min(1).max(200),
      content: z.string().min(1).max(50_000),
      sources: z.array(z.string().max(2048)).max(50).default([]),
    }),
    timeoutMs: 5_000,
    rateLimit: { limit: 120, windowSeconds: 60 },
    execute: async (ctx, input) => {
      const record = await upsertRecord(ctx.db, {
        workspaceId,
        kind: "summary",
        externalId: `${ctx.runId}/${slugOf(input.title)}`,
        name: input.title,
        data: { content: input.content, sources: input.sources, runId: ctx.runId },
      });
      return { artifact: artifactOf(record.id, input) };
    },
    simulate: async (_ctx, input) => ({ wouldWrite: artifactOf(null, input) }),
  });

  return { fetch_url: fetchUrl, write_summary: writeSummary };
}

function artifactOf(id: string | null, input: { title: string; content: string }) {
  return {
    id,
    type: "summary",
    title: input.title,
    summary:
      input.content
        .split("\n")
        .find((line) => line.trim())
        ?.slice(0, 200) ?? "",
    bytes: Buffer.byteLength(input.content),
  };
}
