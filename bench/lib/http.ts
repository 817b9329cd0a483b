/**
 * Signs in through next-auth's real HTTP flow (csrf token, then the credentials callback, as a browser does;
 * same steps as tests/helpers/fixtures.ts) and returns the session cookie as a `Cookie` header value.
 */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: base },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = response.headers.getSetCookie().find((cookie) => /^(__Host-)?holdfast\.session=/.test(cookie));
  if (!session) throw new Error(`sign-in failed for ${email}: HTTP ${response.status}`);
  return session.split(";")[0] as string;
}

/** fetch that fails loudly on an unexpected status, returning the response and its text. */
export async function expectStatus(
  url: string,
  init: RequestInit,
  status: number,
): Promise<{ response: Response; text: string }> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${init.method ?? "GET"} ${url} answered ${response.status}, expected ${status}: ${text}`);
  }
  return { response, text };
}
