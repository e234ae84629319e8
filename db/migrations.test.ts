import { readdirSync } from "node:fs";
import { type Kysely, Migrator, NO_MIGRATIONS, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../tests/setup/databases";
import { migrateToLatest } from "./migrate";
import { migrations } from "./migrations";

/** Undoes every migration, last first (only the tests go down). */
async function migrateAllDown(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(NO_MIGRATIONS);
  if (error) throw error;
}

describe("migration index", () => {
  it("lists every migration file of the folder, in order", () => {
    const files = readdirSync(new URL("./migrations", import.meta.url))
      .filter((f) => /^\d{4}-.+\.ts$/.test(f) && !f.endsWith(".test.ts"))
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(Object.keys(migrations)).toEqual(files);
  });
});

describe.each(databaseKinds)("migrations on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(() => t?.dispose());

  it("run up, down and up again", async () => {
    const first = await migrateToLatest(t.db);
    expect(first.results?.every((r) => r.status === "Success")).toBe(true);
    await migrateAllDown(t.db);
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'user'`.execute(t.db);
    expect(tables.rows[0]!.n).toBe(0);
    const again = await migrateToLatest(t.db);
    expect(again.results?.length).toBe(Object.keys(migrations).length);
  }, 120_000); // PGlite runs every migration twice in WebAssembly: on a loaded 2-core machine that passes 30 s.

  it("enables btree_gist, so exclusion constraints over time ranges work", async () => {
    const ext = await sql<{ extname: string }>`select extname from pg_extension where extname = 'btree_gist'`.execute(t.db);
    expect(ext.rows).toHaveLength(1);
    await sql`create temporary table slot_probe (who text, during tstzrange, exclude using gist (who with =, during with &&))`.execute(t.db);
    await sql`insert into slot_probe values ('a', tstzrange('2026-01-01 10:00Z', '2026-01-01 11:00Z'))`.execute(t.db);
    await expect(sql`insert into slot_probe values ('a', tstzrange('2026-01-01 10:30Z', '2026-01-01 11:30Z'))`.execute(t.db)).rejects.toMatchObject({ code: "23P01" });
    await sql`drop table slot_probe`.execute(t.db);
  });
});
