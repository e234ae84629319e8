import type { Env } from "./env";

export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * The security headers of answers that Hono's secureHeaders middleware never sees: socket.io answers
 * its polling requests (and refuses foreign origins) on the HTTP server itself. They carry no HTML, so
 * the policy allows nothing at all.
 */
export function bareSecurityHeaders(env: Pick<Env, "isProduction">): Record<string, string> {
  return {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    ...(env.isProduction ? { "Strict-Transport-Security": HSTS } : {}),
  };
}
