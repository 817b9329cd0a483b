import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/lib/db";
import { serverEnv, usesSecureCookies } from "@/lib/env";
import { log } from "@/lib/log";
import { createDeviceSession, revokeSessions } from "./device-sessions";
import { burnPasswordCheck, verifyPassword } from "./passwords";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(1024),
});

export function sessionCookieName(): string {
  return usesSecureCookies() ? "__Host-holdfast.session" : "holdfast.session";
}

type HeaderBag = Record<string, string | string[] | undefined> | undefined;
const headerOf = (headers: HeaderBag, name: string) => {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * next-auth signs people in (email + password); the JWT cookie carries only `sid`, the id of a
 * device_sessions row, which every request re-checks — so revocation and logout act on the next request.
 */
export function authOptions(): NextAuthOptions {
  const env = serverEnv();
  const secure = usesSecureCookies();
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: env.HOLDFAST_SESSION_LIFETIME_DAYS * 24 * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    useSecureCookies: secure,
    cookies: {
      sessionToken: {
        name: sessionCookieName(),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure },
      },
    },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const user = await db().user.findUnique({ where: { email: parsed.data.email } });
          if (!user || user.deletedAt) {
            await burnPasswordCheck(parsed.data.password);
            return null;
          }
          if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return null;
          const sessionId = await createDeviceSession(db(), {
            userId: user.id,
            userAgent: headerOf(request?.headers, "user-agent") ?? null,
            ipAddress: clientIp(headerOf(request?.headers, "x-forwarded-for")),
          });
          log("info", "auth.signed_in", { user_id: user.id, session_id: sessionId });
          return { id: user.id, email: user.email, name: user.name, sessionId };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user && "sessionId" in user) token.sid = user.sessionId;
        return token;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string" && typeof token.sub === "string") {
          await revokeSessions(db(), { userId: token.sub, onlyId: token.sid, reason: "logout" });
        }
      },
    },
  };
}

/** The client address: the last X-Forwarded-For entry, which the server in front of us (Next itself) appends. */
export function clientIp(forwardedFor: string | null | undefined): string | null {
  const last = forwardedFor?.split(",").at(-1)?.trim();
  return last || null;
}
