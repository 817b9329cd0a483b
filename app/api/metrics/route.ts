// GET /api/metrics — Prometheus text format behind `Authorization: Bearer $HOLDFAST_METRICS_TOKEN`
import { createHash, timingSafeEqual } from "node:crypto";
import type { NextRequest } from "next/server";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { ApiError, notFound, toApiError, unauthenticated } from "@/lib/http/errors";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/lib/http/request-id";
import { errorResult, jsonResponse } from "@/lib/http/route";
import { log } from "@/lib/log";
import { collectMetrics } from "@/lib/metrics/collect";
import { formatMetrics, PROMETHEUS_CONTENT_TYPE } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";

// Not wrapped in withPublic on purpose: scrapes are not written to request_logs, so a scraper every 15 s does
// not fill the table nor dominate the request metrics it reads.
export async function GET(request: NextRequest): Promise<Response> {
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  let response: Response;
  try {
    const env = serverEnv();
    if (!env.HOLDFAST_METRICS_TOKEN) throw notFound("route");
    if (!bearerMatches(request.headers.get("authorization"), env.HOLDFAST_METRICS_TOKEN)) throw unauthenticated();
    const families = await collectMetrics(db(), { stuckAfterSeconds: env.HOLDFAST_STUCK_AFTER_SECONDS });
    response = new Response(formatMetrics(families), {
      status: 200,
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
    });
  } catch (error) {
    if (!(error instanceof ApiError)) log("error", "metrics.failed", { request_id: requestId, error });
    response = jsonResponse(errorResult(toApiError(error), requestId));
  }
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

/** Constant-time comparison of the presented Bearer token (hashed first, so lengths never leak). */
function bearerMatches(authorization: string | null, expected: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!presented) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
