// GET /api/v1/sessions — my device sessions; DELETE /api/v1/sessions — log out everywhere (this device too)
import { revokeSessions } from "@/lib/auth/device-sessions";
import { withUser } from "@/lib/http/route";
import { listActiveSessions } from "@/lib/identity/sessions";

export const GET = withUser(async ({ db, actor }) => ({
  status: 200,
  body: {
    data: await listActiveSessions(db, { userId: actor.userId, currentSessionId: actor.sessionId }),
    next_cursor: null,
  },
}));

export const DELETE = withUser(async ({ db, actor }) => ({
  status: 200,
  body: { revoked: await revokeSessions(db, { userId: actor.userId, reason: "logout_everywhere" }) },
}));
