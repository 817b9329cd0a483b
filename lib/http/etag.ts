import { ApiError } from "./errors";

export const etagOf = (version: number) => `"${version}"`;

/** The version a PATCH/PUT/DELETE was based on: 428 without If-Match, 412 when it is not a version at all. */
export function requireIfMatch(request: Request): number {
  const header = request.headers.get("if-match");
  if (!header) {
    throw new ApiError("precondition_required", "if_match_required", "send If-Match with the ETag you last read");
  }
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) throw new ApiError("precondition_failed", "if_match_malformed", `If-Match ${header} names no version`);
  return Number(match[1]);
}

/** 412 whose body is the current object (wrapped under its type name) with its current ETag. */
export function staleVersion(wrapped: Record<string, unknown>, currentVersion: number): ApiError {
  return new ApiError("precondition_failed", "version_mismatch", "the object changed since you read it", {
    body: wrapped,
    headers: { ETag: etagOf(currentVersion) },
  });
}
