// The small pure pieces of the API conventions, checked as properties: request ids, If-Match parsing,
// page parameters, the error mapping, request fingerprints, client addresses and log masking.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { clientIp } from "@/lib/auth/next-auth";
import { ApiError, toApiError } from "@/lib/http/errors";
import { etagOf, requireIfMatch } from "@/lib/http/etag";
import { hashRequest } from "@/lib/http/idempotency";
import { readPageParams, toPage } from "@/lib/http/pagination";
import { resolveRequestId } from "@/lib/http/request-id";
import { maskForLog } from "@/lib/log";

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;
const idChar = fc.constantFrom(..."abcXYZ019._:-".split(""));

describe("resolveRequestId", () => {
  test("keeps every well-formed id as it is", () => {
    fc.assert(
      fc.property(fc.string({ unit: idChar, minLength: 1, maxLength: 128 }), (id) => {
        expect(resolveRequestId(id)).toBe(id);
      }),
    );
  });

  test("replaces anything else with a new well-formed id", () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 200 })).filter((s) => s === null || !WELL_FORMED.test(s)),
        (incoming) => {
          const id = resolveRequestId(incoming);
          expect(id).toMatch(WELL_FORMED);
          expect(id).not.toBe(incoming);
        },
      ),
    );
    expect(resolveRequestId("x".repeat(129))).not.toBe("x".repeat(129));
  });
});

describe("requireIfMatch", () => {
  const withIfMatch = (value?: string) =>
    new Request("http://x/", { headers: value === undefined ? {} : { "if-match": value } });

  test("reads back every ETag it issues, weak or strong", () => {
    fc.assert(
      fc.property(fc.nat(), (version) => {
        expect(requireIfMatch(withIfMatch(etagOf(version)))).toBe(version);
        expect(requireIfMatch(withIfMatch(`W/${etagOf(version)}`))).toBe(version);
      }),
    );
  });

  test("is 428 without If-Match and 412 for one that names no version", () => {
    expect(() => requireIfMatch(withIfMatch())).toThrow(expect.objectContaining({ status: 428 }));
    for (const bad of ["1", '"abc"', '"1', "*", '"1", "2"']) {
      expect(() => requireIfMatch(withIfMatch(bad)), bad).toThrow(expect.objectContaining({ status: 412 }));
    }
  });
});

describe("readPageParams", () => {
  test("accepts exactly the integers 1–100 and defaults to 50", () => {
    expect(readPageParams(new URL("http://x/")).limit).toBe(50);
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (limit) => {
        const read = () => readPageParams(new URL(`http://x/?limit=${limit}`));
        if (limit >= 1 && limit <= 100) expect(read().limit).toBe(limit);
        else expect(read).toThrow(expect.objectContaining({ status: 400, code: "invalid_limit" }));
      }),
    );
  });

  test("round-trips every cursor toPage hands out", () => {
    const row = fc.record({
      at: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
      id: fc.uuid(),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 2, maxLength: 5 }), (rows) => {
        const page = toPage(
          rows,
          1,
          (r) => r,
          (r) => r.id,
        );
        const cursor = readPageParams(new URL(`http://x/?cursor=${page.next_cursor}`)).cursor;
        expect(cursor).toEqual({ at: rows[0]?.at, id: rows[0]?.id });
      }),
    );
  });

  test("any query text gives page parameters or a 400 validation error, nothing else", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (limit, cursor) => {
        const url = new URL("http://x/");
        url.searchParams.set("limit", limit);
        url.searchParams.set("cursor", cursor);
        try {
          readPageParams(url);
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBe(400);
        }
      }),
    );
  });
});

describe("toApiError", () => {
  test("turns anything unknown into a generic 500 that leaks nothing", () => {
    const error = toApiError(new Error("connection to 10.0.0.5 failed: password authentication failed"));
    expect(error.status).toBe(500);
    const envelope = JSON.stringify(error.envelope("req_1"));
    expect(envelope).not.toMatch(/10\.0\.0\.5|password|stack/);
    expect(JSON.parse(envelope)).toEqual({
      error: { type: "internal", code: "internal_error", message: expect.any(String), request_id: "req_1" },
    });
  });

  test("the 422 flavour of validation says validation in its envelope", () => {
    const error = new ApiError("unprocessable", "idempotency_key_reused", "reused");
    expect(error.status).toBe(422);
    expect(error.envelope("r").error.type).toBe("validation");
  });
});

describe("hashRequest", () => {
  test("ignores key order and notices any change", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (body, extraKey) => {
        const reversed = Object.fromEntries(Object.entries(body).reverse());
        const base = { method: "POST", route: "POST /x", params: { ws: "a" } };
        expect(hashRequest({ ...base, body })).toBe(hashRequest({ ...base, body: reversed }));
        const changed = { ...body, [extraKey]: body[extraKey] === "changed" ? "other" : "changed" };
        expect(hashRequest({ ...base, body: changed })).not.toBe(hashRequest({ ...base, body }));
        expect(hashRequest({ ...base, params: { ws: "b" }, body })).not.toBe(hashRequest({ ...base, body }));
      }),
    );
  });
});

describe("clientIp", () => {
  test("is the last X-Forwarded-For entry, trimmed", () => {
    expect(clientIp("203.0.113.9, 10.0.0.1")).toBe("10.0.0.1");
    expect(clientIp(" 10.0.0.2 ")).toBe("10.0.0.2");
    expect(clientIp("")).toBeNull();
    expect(clientIp(null)).toBeNull();
  });
});

describe("maskForLog", () => {
  test("never lets a secret through, however deep", () => {
    const secret = fc.string({
      minLength: 12,
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split("")),
    });
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom("password", "token", "authorization", "cookie", "api_key", "secret"),
        (value, key) => {
          const masked = JSON.stringify(
            maskForLog({
              outer: { [key]: value, list: [{ [key]: value }] },
              header: `Bearer ${value}`,
              raw: `hf_${value}`,
            }),
          );
          expect(masked).not.toContain(value);
        },
      ),
    );
  });

  test("keeps personal text out but says how long it was", () => {
    expect(maskForLog({ email: "someone@example.com", content: "hello" })).toEqual({
      email: "[19 chars]",
      content: "[5 chars]",
    });
  });
});
