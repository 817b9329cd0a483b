import { expect, test } from "vitest";
import { clientAddress } from "@/lib/http/client-address";

test("with no trusted proxy the socket address wins over anything the client claims", () => {
  expect(clientAddress("203.0.113.9", "198.51.100.1", 0)).toBe("198.51.100.1");
  expect(clientAddress(undefined, "198.51.100.1", 0)).toBe("198.51.100.1");
});

test("behind N trusted proxies the Nth entry from the right is the client; spoofed entries further left are ignored", () => {
  // client (spoofs 1.1.1.1) → proxy A (appends the client's 203.0.113.9) → us (socket = proxy A)
  expect(clientAddress("1.1.1.1, 203.0.113.9", "10.0.0.2", 1)).toBe("203.0.113.9");
  // two proxies: A appends the client, B appends A
  expect(clientAddress("1.1.1.1, 203.0.113.9, 10.0.0.2", "10.0.0.3", 2)).toBe("203.0.113.9");
  // fewer entries than proxies: the leftmost known address
  expect(clientAddress("", "10.0.0.3", 2)).toBe("10.0.0.3");
});
