import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { CamelCasePlugin, Kysely, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import postgres from "postgres";
import { FailFastPostgresJSDialect } from "./postgres-js-dialect";
import type { Database } from "./schema";

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** The PostgreSQL URL when the database is a server (needed by the socket.io adapter). */
  url?: string;
  close(): Promise<void>;
}

export type DatabaseOptions = { url: string } | { pgliteDir: string | undefined };

const plugins = [new CamelCasePlugin()];

/** PGlite in a folder (kept across restarts), in memory when `pgliteDir` is undefined, or PostgreSQL. */
export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if ("url" in options) {
    const client = postgres(options.url, {
      max: 10,
      onnotice: () => {},
      // timestamptz stays a Date; bigint counters arrive as strings, which Kysely types say.
      connect_timeout: 10,
      // Seconds before a connection that failed to connect tries again. postgres.js's default grows to
      // 20 s after a few failures, so once PostgreSQL is back requests would still wait that long (or
      // fail) before a reconnect; capped at 1 s, service resumes within about a second.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    });
    const dialect = new FailFastPostgresJSDialect({ postgres: client, isConnectionLost: isDatabaseUnavailable, acquireTimeoutMs: 10_000 });
    const db = new Kysely<Database>({ dialect, plugins });
    return { db, kind: "postgres", url: options.url, close: () => db.destroy() };
  }
  if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
  // One options object: `new PGlite(undefined, {extensions})` silently drops the extensions.
  const pglite = new PGlite({ dataDir: options.pgliteDir, extensions: { btree_gist } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), plugins });
  return { db, kind: "pglite", close: () => db.destroy() };
}

/** Round-trip to the database, for /health and the start-up check. */
export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  return (await checkDatabase(db)) === null;
}

/** null when the database answers, else the reason (without credentials). */
export async function checkDatabase(db: Kysely<Database>): Promise<string | null> {
  try {
    await sql`select 1`.execute(db);
    return null;
  } catch (error) {
    return (error as Error).message ?? String(error);
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "23505";
}

export function isExclusionViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "23P01";
}

/** Node's and postgres.js's codes for a connection that could not be made or broke off. */
const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"]);

/**
 * True when `error` (or an error it wraps) says the database cannot be reached just now — a refused or
 * broken connection, or PostgreSQL's connection and shutdown classes (08…, 57P01–57P03) — as opposed
 * to a bug or a bad query. Such a request is answered 503 "try again", and retrying later is safe:
 * the transaction it was in never committed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_ERROR_CODES.has(code) || code.startsWith("08") || ["57P01", "57P02", "57P03"].includes(code))) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}
