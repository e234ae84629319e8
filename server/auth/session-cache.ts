/**
 * A few seconds' memory of session lookups, so a page view does not ask better-auth (and the database)
 * again for the session its previous request just read. Only reads (GET/HEAD) are answered from it:
 * every write looks the session up afresh, and afterwards forgets all of that user's entries, so signing
 * out, changing the password or the second step take effect on this process at once. Changes made for
 * another user (an admin ending someone's sessions) or on another process reach a read within TTL_MS at
 * most; code that ends sessions calls invalidate(userId) or invalidateSession(token) to make it immediate here.
 */
import { type Auth, type AuthSession, getAuthSessionRefreshing } from "./auth";

export const TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;
const SESSION_COOKIE = /(?:^|;\s*)(?:__Host-|__Secure-)?better-auth\.session_token=([^;]+)/;

interface Entry {
  session: AuthSession;
  /** better-auth's session token (the cookie's value before its signature). */
  token: string;
  expires: number;
}

const entries = new Map<string, Entry>();
/** Bumped by every invalidation: a lookup that started before one must not be remembered. */
let generation = 0;

/** The signed session cookie of a request (the cache key: a token with a forged signature never matches). */
export function sessionCookieValue(cookieHeader: string | null | undefined): string | undefined {
  return cookieHeader ? SESSION_COOKIE.exec(cookieHeader)?.[1] : undefined;
}

/** Pass to rememberSession: a lookup that an invalidation overtook is then not remembered. */
export function sessionGeneration(): number {
  return generation;
}

export function cachedSession(cookieValue: string, now = Date.now()): AuthSession | undefined {
  const entry = entries.get(cookieValue);
  if (!entry) return undefined;
  if (entry.expires <= now) {
    entries.delete(cookieValue);
    return undefined;
  }
  return entry.session;
}

export function rememberSession(cookieValue: string, session: AuthSession, lookedUpAt: number, now = Date.now()): void {
  if (lookedUpAt !== generation) return; // signed out (or changed) while this lookup ran
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!); // the oldest
  entries.delete(cookieValue); // re-inserted last, so the Map stays in age order
  entries.set(cookieValue, { session, token: decodeURIComponent(cookieValue).split(".")[0]!, expires: now + TTL_MS });
}

/** Forgets every cached session of a user (sign-out everywhere, password change, role change, deactivation). */
export function invalidate(userId: string): void {
  generation++;
  for (const [key, entry] of entries) if (entry.session.user.id === userId) entries.delete(key);
}

/** Forgets one session, by better-auth's token (as stored in the session table) or by the signed cookie value. */
export function invalidateSession(token: string): void {
  generation++;
  for (const [key, entry] of entries) if (entry.token === token || key === token) entries.delete(key);
}

export function clearSessionCache(): void {
  generation++;
  entries.clear();
}

const isRead = (method: string) => method === "GET" || method === "HEAD";

/**
 * The session of a request, as getAuthSessionRefreshing gives it; reads are answered from the cache
 * when it has the session (without a refreshed cookie: the next uncached read slides the idle window).
 */
export async function lookUpSession(auth: Auth, request: Request): Promise<{ session: AuthSession | null; setCookies: string[] }> {
  const key = isRead(request.method) ? sessionCookieValue(request.headers.get("cookie")) : undefined;
  const hit = key && cachedSession(key);
  if (hit) return { session: hit, setCookies: [] };
  const startedAt = sessionGeneration();
  const result = await getAuthSessionRefreshing(auth, request.headers);
  if (key && result.session) rememberSession(key, result.session, startedAt);
  return result;
}

/** After a request: a write may have ended or changed the session, so its user's entries go. */
export function afterRequest(request: Request, session: AuthSession | null): void {
  if (isRead(request.method)) return;
  if (session) invalidate(session.user.id);
  const key = sessionCookieValue(request.headers.get("cookie"));
  if (key) invalidateSession(key);
}
