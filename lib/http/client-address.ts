/**
 * The client's address as the web server front (scripts/web-server.ts) records it in X-Forwarded-For: the
 * socket's, or, behind `trustedProxies` reverse proxies, the entry that many places from the right of the chain.
 * Entries further left were written by the client itself and are never trusted.
 */
export function clientAddress(
  forwardedFor: string | string[] | undefined,
  socketAddress: string,
  trustedProxies: number,
): string {
  if (trustedProxies <= 0) return socketAddress;
  const chain = [String(forwardedFor ?? ""), socketAddress]
    .join(",")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? socketAddress;
}
