const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = "x-request-id";

/** Reuses a well-formed incoming X-Request-Id (API.md), otherwise makes a new one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  return incoming && WELL_FORMED.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll("-", "")}`;
}
