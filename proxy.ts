import { type NextRequest, NextResponse } from "next/server";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/lib/http/request-id";

// Every request gets its X-Request-Id here, once: route handlers and pages read it from the request headers,
// and every response (pages, next-auth, API) carries it back.
export function proxy(request: NextRequest) {
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
