/** What the database itself guarantees, whatever the services do. */
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isExclusionViolation, isUniqueViolation } from "../../../db/client";
import { migrateToLatest } from "../../../db/migrate";
import { migrations } from "../../../db/migrations";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../tests/setup/databases";

describe.each(databaseKinds)("journey schema on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const now = new Date("2026-03-01T00:00:00Z");
    for (const [id, role] of [["t1", "therapist"], ["p1", "patient"], ["p2", "patient"]] as const) {
      await database.db.insertInto("user").values({ id, name: id, email: `${id}@x.test`, emailVerified: true, image: null, role, timeZone: "UTC", createdAt: now, updatedAt: now }).execute();
    }
  });
  afterAll(async () => database?.dispose());

  const session = (patientId: string, startsAt: string, endsAt: string, status: "scheduled" | "cancelled" = "scheduled") =>
    database.db
      .insertInto("clinicalSession")
      .values({ kind: "supporting", therapistId: "t1", patientId, programId: null, sequence: null, startsAt, endsAt, status, updatedAt: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();

  it("refuses overlapping sessions of one therapist (exclusion constraint); touching and cancelled ones are fine", async () => {
    await session("p1", "2026-03-03T07:00:00Z", "2026-03-03T08:30:00Z");
    const clash = await session("p2", "2026-03-03T08:00:00Z", "2026-03-03T09:00:00Z").catch((e: unknown) => e);
    expect(isExclusionViolation(clash)).toBe(true);
    await expect(session("p2", "2026-03-03T08:30:00Z", "2026-03-03T09:10:00Z")).resolves.toBeDefined();
    await expect(session("p2", "2026-03-03T07:30:00Z", "2026-03-03T08:00:00Z", "cancelled")).resolves.toBeDefined();
    const inverted = await session("p1", "2026-03-04T09:00:00Z", "2026-03-04T08:00:00Z").catch((e: unknown) => e);
    expect((inverted as { code?: string }).code).toBe("23514");
  });

  it("allows one waiting consultation per patient and one open invoice per block", async () => {
    const consult = (startsAt: string) =>
      database.db
        .insertInto("clinicalSession")
        .values({ kind: "consultation", therapistId: "t1", patientId: "p1", programId: null, sequence: null, startsAt, endsAt: new Date(new Date(startsAt).getTime() + 40 * 60_000), updatedAt: new Date() })
        .execute();
    await consult("2026-03-10T07:00:00Z");
    expect(isUniqueViolation(await consult("2026-03-11T07:00:00Z").catch((e: unknown) => e))).toBe(true);
  });

  it("stores jsonb as objects on both drivers", async () => {
    const { jsonb } = await import("../../jobs/queue");
    await database.db.insertInto("job").values({ kind: "k", payload: jsonb({ a: [1, "b"] }), dedupeKey: "json", runAt: new Date() }).execute();
    const row = await database.db.selectFrom("job").select(["payload", sql<string>`jsonb_typeof(payload)`.as("type")]).where("dedupeKey", "=", "json").executeTakeFirstOrThrow();
    expect(row).toEqual({ payload: { a: [1, "b"] }, type: "object" });
  });

  it("migrates down and up again", async () => {
    // Down to just before the journey (later migrations that build on it go first).
    const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo("0001-foundation");
    expect(error).toBeUndefined();
    const tables = await sql<{ n: string }>`select count(*)::text as n from information_schema.tables where table_name = 'clinical_session'`.execute(database.db);
    expect(tables.rows[0].n).toBe("0");
    await migrateToLatest(database.db);
    await expect(database.db.selectFrom("clinicalSession").select("id").execute()).resolves.toEqual([]);
  });
});
