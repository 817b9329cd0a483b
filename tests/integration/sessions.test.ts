import { expect, test } from "vitest";
import { cookieFetch, createPersona, signIn, uniqueSlug } from "../helpers/fixtures";

test("a revoked device session is refused on its very next request", async () => {
  const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
  const laptop = cookieFetch(await signIn(persona.email));
  const phone = cookieFetch(await signIn(persona.email));
  expect((await phone("/api/v1/me")).status).toBe(200);

  const sessions = (await (await laptop("/api/v1/sessions")).json()) as { data: { id: string; current: boolean }[] };
  const phoneSession = sessions.data.find((s) => !s.current);
  expect(sessions.data).toHaveLength(2);
  expect((await laptop(`/api/v1/sessions/${phoneSession?.id}`, { method: "DELETE" })).status).toBe(204);

  expect((await phone("/api/v1/me")).status).toBe(401);
  expect((await laptop("/api/v1/me")).status).toBe(200);
});
