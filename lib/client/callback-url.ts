/**
 * Only same-site paths are accepted as a place to return to after sign-in (no `//evil.example`,
 * no `https://…`, no `/\evil`), so a crafted link cannot bounce someone off-site.
 */
export function safeCallbackUrl(value: string | string[] | null | undefined, fallback = "/"): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (!candidate?.startsWith("/") || candidate.startsWith("//") || candidate.startsWith("/\\")) {
    return fallback;
  }
  if (candidate.startsWith("/signin") || candidate.startsWith("/signup") || candidate.startsWith("/api/"))
    return fallback;
  return candidate;
}

export const withCallback = (path: string, callbackUrl: string) =>
  callbackUrl === "/" ? path : `${path}?callbackUrl=${encodeURIComponent(callbackUrl)}`;
