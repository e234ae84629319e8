import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DatabaseHandle, type DatabaseKind, openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";

/** Every database test runs on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set (always in CI). */
export const databaseKinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase extends DatabaseHandle {
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database: an in-memory PGlite, or a new PostgreSQL database created for this suite
 * (and dropped after), so suites never see each other's rows.
 */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let handle: DatabaseHandle;
  let drop = async () => {};
  if (kind === "pglite") {
    handle = openDatabase({ pgliteDir: undefined });
  } else {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
    const name = `t_${randomBytes(6).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    handle = openDatabase({ url: url.toString() });
    drop = async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return {
    ...handle,
    async dispose() {
      await handle.close();
      await drop();
    },
  };
}
