// GET /api/health — liveness of the web server, its database and the job engine (no auth)
import { checkHealth } from "@/lib/health";
import { withPublic } from "@/lib/http/route";

export const GET = withPublic(async () => {
  const health = await checkHealth();
  return { status: health.db === "ok" ? 200 : 503, body: health };
});
