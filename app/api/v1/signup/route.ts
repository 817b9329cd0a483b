// POST /api/v1/signup — create an account (then sign in through next-auth)
import { clientIp } from "@/lib/auth/next-auth";
import { serverEnv } from "@/lib/env";
import { throwIfRateLimited } from "@/lib/http/rate-limit";
import { throwIfCrossSite, withPublic } from "@/lib/http/route";
import { signUp, signUpSchema } from "@/lib/identity/users";

export const POST = withPublic(
  async ({ request, db, body }) => {
    if (request.headers.get("origin") !== null) throwIfCrossSite(request);
    const ip = clientIp(request.headers.get("x-forwarded-for")) ?? "unknown";
    const env = serverEnv();
    await throwIfRateLimited(db, {
      key: `signup:ip:${ip}`,
      limit: env.HOLDFAST_LOGIN_LIMIT_PER_IP,
      windowSeconds: env.HOLDFAST_LOGIN_WINDOW_SECONDS,
    });
    return { status: 201, body: { user: await signUp(db, body) } };
  },
  { body: signUpSchema },
);
