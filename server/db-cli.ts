import path from "node:path";
import { backupEmbedded, restoreEmbedded } from "./backup";
import { EnvError, loadEnv } from "./env";
import { createLogger } from "./logger";
import { createServices } from "./services/create-services";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./services/demo-clinic";

/** `npm run db:migrate`, `db:seed`, `db:backup` and `db:restore <folder>`, on PGlite (default) or DATABASE_URL. */
async function run(command: string | undefined) {
  const env = await loadEnv().catch((error) => {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
  if (command === "backup" || command === "restore") {
    if (env.DATABASE_URL) throw new Error("DATABASE_URL is set: back up PostgreSQL with pg_dump (see README).");
    if (command === "backup") {
      const result = await backupEmbedded(env.DATA_DIR, path.resolve(env.DATA_DIR, "..", "backups"));
      process.stdout.write(`Backup written to ${result.folder} (${Math.round(result.databaseBytes / 1024)} kB database)\n`);
    } else {
      const folder = process.argv[3];
      if (!folder) throw new Error("Usage: npm run db:restore -- <backup folder>");
      const { keptAside } = await restoreEmbedded(path.resolve(folder), env.DATA_DIR);
      process.stdout.write(`Restored ${folder}.${keptAside ? ` The previous data is kept in ${keptAside}.` : ""}\n`);
    }
    return;
  }
  const database = openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { pgliteDir: path.resolve(env.DATA_DIR, "pglite") });
  try {
    const result = await migrateToLatest(database.db);
    const applied = result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
    process.stdout.write(applied.length ? `Applied migrations: ${applied.join(", ")}\n` : "Database is up to date.\n");
    if (command === "seed") {
      const services = createServices({ env, database, logger: createLogger("warn") });
      await seedDemo(services);
      process.stdout.write(`Demo clinic ready. Password for all: ${DEMO_PASSWORD}\n`);
      for (const u of DEMO_USERS) process.stdout.write(`  ${u.role.padEnd(9)} ${u.email}\n`);
    } else if (command !== "migrate") {
      throw new Error(`Unknown command ${command}; use migrate or seed`);
    }
  } finally {
    await database.close();
  }
}

run(process.argv[2]).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
