/**
 * better-auth names its cookies `__Secure-better-auth.*` over HTTPS. The stricter `__Host-` prefix
 * also makes the browser refuse a cookie with a Domain or a path other than `/`, so a sibling
 * subdomain can never set or shadow the session. better-auth cannot emit that prefix, so the edge
 * renames: `__Host-` on the way out, back to `__Secure-` on the way in. Its cookies already carry
 * `Secure` and `Path=/` and no `Domain` (the conditions of `__Host-`).
 */
const SECURE = "__Secure-better-auth.";
const HOST = "__Host-better-auth.";

/** A request's Cookie header as better-auth expects to read it. */
export function cookieHeaderForAuth(cookie: string): string {
  return cookie.includes(HOST) ? cookie.replaceAll(HOST, SECURE) : cookie;
}

/** A Set-Cookie header as the browser receives it; cookies scoped to a Domain are left alone. */
export function hostPrefixedSetCookie(setCookie: string): string {
  if (!setCookie.startsWith(SECURE) || /;\s*domain=/i.test(setCookie)) return setCookie;
  return HOST + setCookie.slice(SECURE.length);
}
