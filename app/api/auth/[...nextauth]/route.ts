// /api/auth/* — next-auth (sign-in, sign-out, csrf), behind a per-account and per-IP login rate limit

import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions, clientIp } from "@/lib/auth/next-auth";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { ApiError, toApiError } from "@/lib/http/errors";
import { throwIfRateLimited } from "@/lib/http/rate-limit";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/lib/http/request-id";
import { errorResult, jsonResponse, throwIfCrossSite } from "@/lib/http/route";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: NextRequest, context: Context): Promise<Response> {
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  try {
    if (request.method === "POST") {
      throwIfCrossSite(request);
      const { nextauth } = await context.params;
      if (nextauth.join("/") === "callback/credentials") await throwIfLoginLimited(request);
    }
    // A fresh options object per request: the environment is read at request time, not at build time.
    return await NextAuth(authOptions())(request, context);
  } catch (error) {
    const response = jsonResponse(errorResult(toApiError(error), requestId));
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  }
}

async function throwIfLoginLimited(request: NextRequest) {
  const env = serverEnv();
  const form = await request
    .clone()
    .formData()
    .catch(() => null);
  const email = String(form?.get("email") ?? "")
    .trim()
    .toLowerCase();
  const ip = clientIp(request.headers.get("x-forwarded-for")) ?? "unknown";
  const windowSeconds = env.HOLDFAST_LOGIN_WINDOW_SECONDS;
  await throwIfRateLimited(db(), { key: `login:ip:${ip}`, limit: env.HOLDFAST_LOGIN_LIMIT_PER_IP, windowSeconds });
  if (!email) throw new ApiError("validation", "email_required", "email is required");
  await throwIfRateLimited(db(), {
    key: `login:account:${email}`,
    limit: env.HOLDFAST_LOGIN_LIMIT_PER_ACCOUNT,
    windowSeconds,
  });
}

export { handle as GET, handle as POST };
