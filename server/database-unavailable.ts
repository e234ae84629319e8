import type { Context } from "hono";

export const DATABASE_UNAVAILABLE_MESSAGE = "The clinic's system cannot reach its database just now. Please try again in a moment.";

/**
 * The answer to a request that failed because the database cannot be reached (see
 * isDatabaseUnavailable): 503 with Retry-After, JSON for API calls, a short readable page otherwise —
 * never a stack trace. The transaction it was in did not commit, so trying again is safe.
 */
export function databaseUnavailableResponse(c: Context): Response {
  c.header("Retry-After", "5");
  c.header("Cache-Control", "no-store");
  if (c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").includes("application/json")) {
    return c.json({ error: "SERVICE_UNAVAILABLE", message: DATABASE_UNAVAILABLE_MESSAGE }, 503);
  }
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Briefly unavailable</title></head><body><main><h1>Briefly unavailable</h1><p>${DATABASE_UNAVAILABLE_MESSAGE}</p><p><a href="">Try again</a></p></main></body></html>`,
    503,
  );
}
