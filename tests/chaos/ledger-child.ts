// A tool caller to be killed mid-call by tests/chaos/side-effect-ledger-crash.test.ts: it claims a send_email
// call through the real ledger, then hangs before or after sending, and says so on stdout.
// Usage: node --conditions=react-server --import tsx tests/chaos/ledger-child.ts <workspaceId> <runId> <before|after> <paramsJson>
import { createToolRegistry } from "@/lib/tools/registry";
import { performToolCall } from "@/lib/tools/side-effect-ledger";
import { defineTool } from "@/lib/tools/types";

const [workspaceId = "", runId = "", when = "after", paramsJson = "{}"] = process.argv.slice(2);
const base = createToolRegistry({ workspaceId });
const hang = () => new Promise<never>(() => setInterval(() => undefined, 60_000));

const sendEmail = defineTool({
  ...base.send_email,
  timeoutMs: 600_000,
  execute: async (ctx, input) => {
    if (when === "before") {
      console.log("HANGING before-send");
      return hang();
    }
    await base.send_email.execute(ctx, input);
    console.log("HANGING after-send");
    return hang();
  },
});

await performToolCall(
  { workspaceId, runId, tool: "send_email", params: JSON.parse(paramsJson) },
  { tools: { send_email: sendEmail }, leaseMs: 1_000 },
);
