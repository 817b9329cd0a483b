// relay-outbox — every minute, sends outbox events whose after-commit send failed (e.g. the engine was down)
import { relayOutbox } from "@/lib/events/outbox";
import { inngest } from "../client";

export const relayOutboxFunction = inngest.createFunction(
  { id: "relay-outbox", triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => step.run("relay", () => relayOutbox(500)),
);
