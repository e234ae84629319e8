import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { backupEmbedded, restoreEmbedded } from "./backup";
import { parseEnv } from "./env";
import { createLogger } from "./logger";
import { createServices } from "./services/create-services";
import { seedDemo } from "./services/demo-clinic";

async function tableCounts(db: ReturnType<typeof openDatabase>["db"]) {
  const tables = await sql<{ tableName: string }>`select table_name from information_schema.tables where table_schema = 'public' order by 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { tableName } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(tableName)}`.execute(db);
    counts[tableName] = r.rows[0]!.n;
  }
  return counts;
}

describe("backup and restore of the embedded database", () => {
  it("backs up, wipes, restores and finds every record and uploaded file", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "clinic-backup-"));
    const dataDir = path.join(root, "data");
    const handle = openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
    await migrateToLatest(handle.db);
    const services = createServices({ env: parseEnv({ APP_ENV: "test", LOG_LEVEL: "silent" }), database: handle, logger: createLogger("silent") });
    await seedDemo(services);
    const before = await tableCounts(handle.db);
    const users = await handle.db.selectFrom("user").select(["id", "email", "role"]).orderBy("email").execute();
    await handle.close();
    mkdirSync(path.join(dataDir, "uploads"), { recursive: true });
    writeFileSync(path.join(dataDir, "uploads", "photo.bin"), "kept bytes");

    const backup = await backupEmbedded(dataDir, path.join(root, "backups"));
    expect(backup.databaseBytes).toBeGreaterThan(1000);

    rmSync(dataDir, { recursive: true, force: true }); // the wipe
    const { keptAside } = await restoreEmbedded(backup.folder, dataDir);
    expect(keptAside).toBeNull();

    const restored = openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
    expect(await tableCounts(restored.db)).toEqual(before);
    expect(await restored.db.selectFrom("user").select(["id", "email", "role"]).orderBy("email").execute()).toEqual(users);
    await restored.close();
    expect(readFileSync(path.join(dataDir, "uploads", "photo.bin"), "utf8")).toBe("kept bytes");
    expect(users.length).toBe(7);
  }, 60_000);

  it("keeps the current data aside instead of deleting it", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "clinic-backup-"));
    const dataDir = path.join(root, "data");
    const handle = openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
    await migrateToLatest(handle.db);
    await handle.close();
    const backup = await backupEmbedded(dataDir, path.join(root, "backups"));
    const { keptAside } = await restoreEmbedded(backup.folder, dataDir);
    expect(keptAside).toMatch(/pglite\.before-restore-/);
    await expect(restoreEmbedded(path.join(root, "nothing"), dataDir)).rejects.toThrow(/not a backup folder/);
  }, 60_000);
});
