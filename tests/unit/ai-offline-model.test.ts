import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { generateText, type ModelMessage, Output, stepCountIs, streamText, tool } from "ai";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { readAiEnv } from "@/lib/ai/env";
import { ProviderError } from "@/lib/ai/errors";
import { OFFLINE_MODEL_ID } from "@/lib/ai/models";
import { createOfflineModel, decideOfflineAnswer } from "@/lib/ai/offline-model";
import {
  formatOfflinePlan,
  type OfflinePlan,
  offlinePlanProviderOptions,
  parseOfflinePlan,
} from "@/lib/ai/offline-plan";
import { resolveOfflineModel } from "@/lib/ai/providers";
import { runGeneration, streamGeneration } from "@/lib/ai/stream";

const userPrompt = (text: string, seed?: number): LanguageModelV3CallOptions => ({
  prompt: [{ role: "user", content: [{ type: "text", text }] }],
  seed,
});

async function readAll(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

describe("determinism", () => {
  test("the same prompt and seed give the same answer and usage; seeds vary the wording", async () => {
    const model = createOfflineModel();
    const first = await model.doGenerate(userPrompt("How should I plan a database migration?", 7));
    const second = await model.doGenerate(userPrompt("How should I plan a database migration?", 7));
    expect(second.content).toEqual(first.content);
    expect(second.usage).toEqual(first.usage);
    expect(first.usage.inputTokens.total).toBeGreaterThan(0);
    expect(first.usage.outputTokens.total).toBeGreaterThan(0);
    const text = first.content[0]?.type === "text" ? first.content[0].text : "";
    expect(text).toContain("How should I plan a database migration?");

    const variants = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const result = await model.doGenerate(userPrompt("How should I plan a database migration?", seed));
      variants.add(JSON.stringify(result.content));
    }
    expect(variants.size).toBeGreaterThan(1);
  });

  test("streaming yields several text chunks that join to the non-streamed answer", async () => {
    const model = createOfflineModel();
    const options = userPrompt("Explain idempotency keys briefly", 3);
    const generated = await model.doGenerate(options);
    const { stream } = await model.doStream(options);
    const parts = await readAll(stream);
    const deltas = parts.flatMap((part) => (part.type === "text-delta" ? [part.delta] : []));
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join("")).toBe(generated.content[0]?.type === "text" ? generated.content[0].text : "");
    expect(parts[0]?.type).toBe("stream-start");
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "stop" }, usage: generated.usage });
  });

  test("maxOutputTokens cuts the answer with finish reason length", async () => {
    const result = await createOfflineModel().doGenerate({ ...userPrompt("Tell me everything"), maxOutputTokens: 5 });
    expect(result.finishReason.unified).toBe("length");
    expect(result.content[0]?.type === "text" && result.content[0].text.length).toBe(20);
  });
});

describe("conversation awareness", () => {
  test("answers from facts stated earlier and from the context snapshot", async () => {
    const model = createOfflineModel();
    const { text } = await generateText({
      model,
      system: "You are Holdfast.\nFacts:\n- city: Lisbon\n- plan: team\n\nSummary: The user is setting up a workspace.",
      messages: [
        { role: "user", content: "Hi, my name is Ada." },
        { role: "assistant", content: "Noted." },
        { role: "user", content: "What is my name?" },
      ],
    });
    expect(text).toContain("Your name is Ada.");
    const again = await generateText({ model, system: "Facts:\n- city: Lisbon", prompt: "Which city?" });
    expect(again.text).toContain("city: Lisbon");
    // The one-line shape lib/conversations/context.ts writes.
    const inline = await generateText({
      model,
      system: "Be brief.\nConversation so far: planning a trip\nKnown facts: city: Lisbon; budget: 900 EUR",
      prompt: "What is my budget?",
    });
    expect(inline.text).toContain("Your budget is 900 EUR.");
    expect(inline.text).toContain("So far: planning a trip");
  });

  test("JSON output fills a snapshot schema with the summary and the extracted facts", async () => {
    const { output } = await generateText({
      model: createOfflineModel(),
      output: Output.object({
        schema: z.object({ summary: z.string(), facts: z.array(z.object({ key: z.string(), value: z.string() })) }),
      }),
      messages: [
        { role: "user", content: "My favourite colour is green. Please remember it." },
        { role: "assistant", content: "Noted." },
        { role: "user", content: "Summarise this conversation." },
      ],
    });
    expect(output.facts).toEqual([{ key: "favourite colour", value: "green" }]);
    expect(output.summary).toContain("favourite colour is green");
  });
});

const diskTools = {
  check_disk: {
    description: "Disk usage of a simulated server",
    inputSchema: z.object({ server: z.string() }),
  },
  clean_logs: {
    description: "Delete old log files on a server",
    inputSchema: z.object({ server: z.string(), olderThanDays: z.number().int() }),
  },
  send_email: {
    description: "Send an email from the outbox",
    inputSchema: z.object({ to: z.string(), subject: z.string(), body: z.string() }),
  },
};

describe("tool calling without a plan", () => {
  test("picks the relevant tool with arguments from the message, then answers from its result", async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: createOfflineModel(),
      prompt: "What is the disk usage on web-1?",
      tools: {
        send_email: tool({ ...diskTools.send_email, execute: async () => ({ sent: true }) }),
        check_disk: tool({
          ...diskTools.check_disk,
          execute: async (input) => {
            calls.push(input);
            return { usedPercent: 91 };
          },
        }),
      },
      stopWhen: stepCountIs(5),
    });
    expect(calls).toEqual([{ server: "web-1" }]);
    expect(result.steps).toHaveLength(2);
    expect(result.text).toContain("check_disk returned");
    expect(result.text).toContain('"usedPercent":91');
  });

  test("an unrelated question gets a text answer; toolChoice none never calls; required always does", async () => {
    const model = createOfflineModel();
    const tools = { check_disk: diskTools.check_disk };
    const unrelated = await runGeneration({
      model: resolveOfflineModel(readAiEnv({ HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "0" })),
      messages: [{ role: "user", content: "Write a haiku about autumn" }],
      tools,
    });
    expect(unrelated.toolCalls).toEqual([]);
    const none = decideOfflineAnswer({
      ...userPrompt("check the disk"),
      tools: [{ type: "function", name: "check_disk", inputSchema: { type: "object" } }],
      toolChoice: { type: "none" },
    });
    expect(none.toolCall).toBeUndefined();
    const required = await model.doGenerate({
      ...userPrompt("Write a haiku"),
      tools: [{ type: "function", name: "check_disk", inputSchema: { type: "object", properties: {} } }],
      toolChoice: { type: "required" },
    });
    expect(required.content.find((part) => part.type === "tool-call")).toMatchObject({ toolName: "check_disk" });
  });

  test("a streamed tool call arrives as input deltas and a complete call with valid JSON", async () => {
    const { stream } = await createOfflineModel().doStream({
      ...userPrompt("send an email to ops@example.com about the outage"),
      tools: [
        {
          type: "function",
          name: "send_email",
          description: "Send an email",
          inputSchema: {
            type: "object",
            properties: { to: { type: "string" }, subject: { type: "string" }, body: { type: "string" } },
            required: ["to", "subject", "body"],
          },
        },
      ],
    });
    const parts = await readAll(stream);
    const deltas = parts.filter((part) => part.type === "tool-input-delta");
    const call = parts.find((part) => part.type === "tool-call");
    expect(deltas.length).toBeGreaterThan(1);
    expect(call?.type === "tool-call" && JSON.parse(call.input)).toMatchObject({ to: "ops@example.com" });
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "tool-calls" } });
  });
});

const OPERATIONS_PROMPT = `You are the operations agent. Inspect the server and keep its disk healthy.
<offline-plan>
# check, clean if needed, verify
1. check_disk {"server": "{{goal.text | words:1}}"} -- Checking disk usage first.
2. clean_logs {"server": "web-1", "olderThanDays": 7} when step1.usedPercent >= 80 -- Disk is {{step1.usedPercent}}% full: cleaning logs.
3. check_disk {"server": "web-1"} -- Verifying the clean-up.
final: Disk on web-1 went from {{step1.usedPercent}}% to {{step3.usedPercent}}% ({{step2.freedBytes}} bytes freed).
</offline-plan>`;

function operationsTools(usage: number[], cleanResult: unknown = { freedBytes: 1234 }) {
  const log: string[] = [];
  return {
    log,
    tools: {
      check_disk: tool({
        ...diskTools.check_disk,
        execute: async () => {
          log.push("check_disk");
          return { usedPercent: usage.shift() ?? 0 };
        },
      }),
      clean_logs: tool({
        ...diskTools.clean_logs,
        execute: async (input) => {
          log.push(`clean_logs:${input.olderThanDays}`);
          return cleanResult;
        },
      }),
    },
  };
}

describe("offline plans drive agents end to end", () => {
  test("operations agent: check disk, clean logs, verify, then the final answer", async () => {
    const { tools, log } = operationsTools([91, 40]);
    const result = await generateText({
      model: createOfflineModel(),
      system: OPERATIONS_PROMPT,
      prompt: "web-1 is running out of disk",
      tools,
      stopWhen: stepCountIs(10),
    });
    expect(log).toEqual(["check_disk", "clean_logs:7", "check_disk"]);
    expect(result.steps[0]?.toolCalls[0]?.input).toEqual({ server: "web-1" });
    expect(result.steps[1]?.text).toBe("Disk is 91% full: cleaning logs.");
    expect(result.text).toBe("Disk on web-1 went from 91% to 40% (1234 bytes freed).");
  });

  test("a false `when` skips the step; a refused approval stops the plan with a clear answer", async () => {
    const healthy = operationsTools([50, 50]);
    await generateText({
      model: createOfflineModel(),
      system: OPERATIONS_PROMPT,
      prompt: "web-1 check",
      tools: healthy.tools,
      stopWhen: stepCountIs(10),
    });
    expect(healthy.log).toEqual(["check_disk", "check_disk"]);

    const refused = operationsTools([95], { denied: true, reason: "rejected by an admin" });
    const result = await generateText({
      model: createOfflineModel(),
      system: OPERATIONS_PROMPT,
      prompt: "web-1 is full",
      tools: refused.tools,
      stopWhen: stepCountIs(10),
    });
    expect(refused.log).toEqual(["check_disk", "clean_logs:7"]);
    expect(result.text).toContain("step 2 (clean_logs) was not approved: rejected by an admin");
  });

  test("support agent: one email per record via `each`, as a structured plan in provider options", async () => {
    const plan: OfflinePlan = {
      steps: [
        { tool: "list_records", args: { status: "open" } },
        {
          tool: "send_email",
          each: "step1.records",
          args: { to: "{{item.email}}", subject: "About {{item.title}}", body: "Hello {{item.name}}, we are on it." },
        },
      ],
      final: 'Sent {{step2 | count}} emails: {{step2 | pluck:to | join:", "}}.',
    };
    const sent: unknown[] = [];
    const records = [
      { name: "Ana", email: "ana@example.com", title: "Invoice" },
      { name: "Bo", email: "bo@example.com", title: "Login" },
    ];
    const result = await generateText({
      model: createOfflineModel(),
      system: "You are the support agent.",
      prompt: "Reply to every open ticket",
      providerOptions: offlinePlanProviderOptions(plan),
      tools: {
        list_records: tool({
          description: "List CRM records",
          inputSchema: z.object({ status: z.string() }),
          execute: async () => ({ records }),
        }),
        send_email: tool({
          ...diskTools.send_email,
          execute: async (input) => {
            sent.push(input);
            return { to: input.to, status: "sent" };
          },
        }),
      },
      stopWhen: stepCountIs(10),
    });
    expect(sent).toEqual([
      { to: "ana@example.com", subject: "About Invoice", body: "Hello Ana, we are on it." },
      { to: "bo@example.com", subject: "About Login", body: "Hello Bo, we are on it." },
    ]);
    expect(result.text).toBe("Sent 2 emails: ana@example.com, bo@example.com.");
  });

  test("research agent: fetch each URL in the goal, then write a summary artifact", async () => {
    const system = `You are the research agent.\n${formatOfflinePlan({
      steps: [
        { tool: "http_fetch", each: "goal.urls", args: { url: "{{item}}" } },
        { tool: "write_artifact", args: { title: "Summary", content: "{{step1 | summary}}" } },
      ],
      final: "Summarised {{step1 | count}} pages into artifact {{step2.id}}.",
    })}`;
    const artifacts: Array<{ title: string; content: string }> = [];
    const result = await generateText({
      model: createOfflineModel(),
      system,
      prompt: "Summarise https://docs.example.com/a and https://docs.example.com/b for me.",
      tools: {
        http_fetch: tool({
          description: "Fetch an allowed URL",
          inputSchema: z.object({ url: z.string() }),
          execute: async ({ url }) => ({ url, text: `Page ${url.slice(-1)} says hello. It has more text. And more.` }),
        }),
        write_artifact: tool({
          description: "Store an artifact",
          inputSchema: z.object({ title: z.string(), content: z.string() }),
          execute: async (input) => {
            artifacts.push(input);
            return { id: "art_1" };
          },
        }),
      },
      stopWhen: stepCountIs(10),
    });
    expect(result.steps.flatMap((step) => step.toolCalls.map((call) => call.input))).toEqual([
      { url: "https://docs.example.com/a" },
      { url: "https://docs.example.com/b" },
      { title: "Summary", content: expect.stringContaining("Page a says hello.") },
    ]);
    expect(artifacts[0]?.content).toContain("Page b says hello.");
    expect(result.text).toBe("Summarised 2 pages into artifact art_1.");
  });

  test("a `repeat` step loops forever (for loop detection); a conclude marker ends it", async () => {
    const system = '<offline-plan>\ncheck_disk {"server": "web-1"} repeat\n</offline-plan>';
    const tools = { check_disk: tool({ ...diskTools.check_disk, execute: async () => ({ usedPercent: 10 }) }) };
    const looping = await generateText({
      model: createOfflineModel(),
      system,
      prompt: "go",
      tools,
      stopWhen: stepCountIs(6),
    });
    expect(looping.steps).toHaveLength(6);
    expect(looping.steps.every((step) => step.toolCalls[0]?.toolName === "check_disk")).toBe(true);

    const messages: ModelMessage[] = [
      ...looping.response.messages.slice(0, 4),
      { role: "user", content: "[holdfast:conclude] Budget nearly spent: conclude now." },
    ];
    const concluded = await generateText({
      model: createOfflineModel(),
      system,
      messages: [{ role: "user", content: "go" }, ...messages],
      tools,
    });
    expect(concluded.toolCalls).toEqual([]);
    expect(concluded.text).toMatch(/^Concluding early with what I have \(2 tool calls/);
  });

  test("plan syntax: parse and format round-trip; a broken plan is reported, not thrown", async () => {
    const plan = parseOfflinePlan(`
      1. a {"x": "{{goal.text}}"} when step0.y > 2 optional -- note here
      - b each goal.urls {"u": "{{item}}"} repeat
      final: done\\nreally`);
    expect(plan).toEqual({
      steps: [
        { tool: "a", args: { x: "{{goal.text}}" }, when: "step0.y > 2", optional: true, note: "note here" },
        { tool: "b", each: "goal.urls", args: { u: "{{item}}" }, repeat: true },
      ],
      final: "done\nreally",
    });
    expect(parseOfflinePlan(formatOfflinePlan(plan).replace(/<\/?offline-plan>/g, ""))).toEqual(plan);
    const broken = decideOfflineAnswer({
      prompt: [
        { role: "system", content: "<offline-plan>\ncheck_disk {oops\n</offline-plan>" },
        { role: "user", content: [{ type: "text", text: "go" }] },
      ],
    });
    expect(broken.text).toMatch(/^The offline plan could not be read: offline plan line 2/);
  });
});

describe("streaming, abort and the stream helper", () => {
  test("abort mid-stream errors the stream promptly", async () => {
    const model = createOfflineModel({ chunkDelayMs: 200 });
    const controller = new AbortController();
    const { stream } = await model.doStream({ ...userPrompt("a long answer please"), abortSignal: controller.signal });
    const reader = stream.getReader();
    let part = await reader.read();
    while (part.value?.type !== "text-delta") part = await reader.read();
    const pending = reader.read();
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - abortedAt).toBeLessThan(100);
  });

  test("streamGeneration on the offline model: deltas, finish with usage, nominal cost and stamp", async () => {
    const resolved = resolveOfflineModel(readAiEnv({ HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "1" }));
    const deltas: string[] = [];
    const result = await runGeneration(
      { model: resolved, messages: [{ role: "user", content: "hello there" }], seed: 1 },
      (event) => {
        if (event.type === "text-delta") deltas.push(event.delta);
      },
    );
    expect(deltas.length).toBeGreaterThan(3);
    expect(result.text).toBe(deltas.join(""));
    expect(result.usage.estimated).toBe(false);
    expect(result.costMicros).toBeGreaterThan(0);
    expect(result.stamp).toMatchObject({
      modelId: OFFLINE_MODEL_ID,
      provider: "offline",
      responseModelId: OFFLINE_MODEL_ID,
    });
    expect(result.stamp.providerVersion).toMatch(/^holdfast\.offline@/);
  });

  test("cancel through streamGeneration: canceled ProviderError within a few ms", async () => {
    const resolved = resolveOfflineModel(readAiEnv({ HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "300" }));
    const controller = new AbortController();
    let abortedAt = 0;
    const run = async () => {
      for await (const event of streamGeneration({
        model: resolved,
        messages: [{ role: "user", content: "tell me a long story" }],
        signal: controller.signal,
      })) {
        if (event.type === "text-delta") {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    };
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "canceled" });
    expect(Date.now() - abortedAt).toBeLessThan(150);
  });

  test("the idle timeout also applies to the offline model", async () => {
    const resolved = resolveOfflineModel(readAiEnv({ HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "400" }));
    const error = await runGeneration({
      model: resolved,
      messages: [{ role: "user", content: "slow please" }],
      idleTimeoutMs: 100,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: "timeout", code: "provider_idle_timeout" });
  });

  test("streamText from the AI SDK accepts the offline model directly", async () => {
    const result = streamText({ model: createOfflineModel({ chunkDelayMs: 1 }), prompt: "ping" });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });
});
