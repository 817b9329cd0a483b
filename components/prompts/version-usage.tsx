"use client";

import Link from "next/link";
import type { PromptVersionUsage } from "@/lib/client/runs/console";
import { useApiResource } from "@/lib/client/use-api-resource";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * "used by N messages · M runs" for one prompt version, with links to its newest runs. Until the usage endpoint
 * answers, the message count the versions list carries stands in.
 */
export function VersionUsage({
  base,
  ws,
  version,
  messagesCount,
}: {
  base: string;
  ws: string;
  version: number;
  messagesCount: number;
}) {
  const usage = useApiResource<PromptVersionUsage>(`${base}/versions/${version}/usage`);
  if (!usage.data) return <span>used by {plural(messagesCount, "message")}</span>;
  const { messages, runs } = usage.data;
  const newest = runs.recent.slice(0, 3);
  return (
    <span data-version-usage={version} data-messages={messages.count} data-runs={runs.count}>
      used by {plural(messages.count, "message")} · {plural(runs.count, "run")}
      {newest.length ? (
        <>
          {" "}
          (newest:{" "}
          {newest.map((run, index) => (
            <span key={run.id}>
              {index > 0 ? ", " : ""}
              <Link
                href={`/w/${ws}/runs/${run.id}`}
                className="font-mono text-indigo-700 underline underline-offset-2"
                title={`${run.agent} · ${run.status}`}
              >
                {run.id.slice(0, 8)}
              </Link>
            </span>
          ))}
          )
        </>
      ) : null}
    </span>
  );
}
