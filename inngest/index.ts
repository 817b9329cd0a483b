import type { InngestFunction } from "inngest";
import { enforceRetentionFunction } from "./functions/enforce-retention";
import { generateReply } from "./functions/generate-reply";
import { relayOutboxFunction } from "./functions/relay-outbox";
import { runAgent } from "./functions/run-agent";
import { sweepAgentRuns } from "./functions/sweep-agent-runs";

// Every Inngest function of the app; `app/api/inngest/route.ts` serves exactly this list. One function per file
// under inngest/, imported here.
export const functions: InngestFunction.Any[] = [
  generateReply,
  relayOutboxFunction,
  runAgent,
  sweepAgentRuns,
  enforceRetentionFunction,
];
