import { expect, test } from "vitest";
import { SeqGate } from "@/lib/client/chat/generation-stream";
import { readSse } from "@/lib/client/chat/sse";

function bodyOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function collect(parts: string[]) {
  const events = [];
  for await (const event of readSse(bodyOf(parts), new AbortController().signal)) events.push(event);
  return events;
}

test("the seq gate applies only the next seq: repeats are dropped, jumps are refused", () => {
  const gate = new SeqGate(3);
  expect(gate.offer(3)).toBe("duplicate");
  expect(gate.offer(5)).toBe("gap");
  expect(gate.applied).toBe(3);
  expect(gate.offer(4)).toBe("apply");
  expect(gate.offer(4)).toBe("duplicate");
  expect(gate.offer(5)).toBe("apply");
  expect(gate.applied).toBe(5);
});

test("SSE parsing survives line ends split across reads, CR/LF variants, comments and multi-line data", async () => {
  const events = await collect([
    "retry: 1000\r",
    '\n\r\n: keep-alive\n\nid: 1\nevent: delta\ndata: {"text":',
    '"a"}\r',
    "\n\r\nid: 2\revent: status\rdata: line one\rdata: line two\r\r",
    "id: 3\nevent: end\ndata: {}\n\nid: 4\ndata: dropped without its blank line",
  ]);
  expect(events).toEqual([
    { id: "1", event: "delta", data: '{"text":"a"}' },
    { id: "2", event: "status", data: "line one\nline two" },
    { id: "3", event: "end", data: "{}" },
  ]);
});
