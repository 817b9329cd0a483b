// ANY /api/v1/… that no route handles — the JSON 404 error envelope (with X-Request-Id), not Next's HTML page.
// More specific routes always win over this catch-all; a known path with an unsupported method stays a 405.
import { ApiError } from "@/lib/http/errors";
import { withPublic } from "@/lib/http/route";

const unknownRoute = withPublic(async ({ request }) => {
  throw new ApiError("not_found", "route_not_found", `no API route ${request.method} ${request.nextUrl.pathname}`);
});

export {
  unknownRoute as DELETE,
  unknownRoute as GET,
  unknownRoute as HEAD,
  unknownRoute as OPTIONS,
  unknownRoute as PATCH,
  unknownRoute as POST,
  unknownRoute as PUT,
};
