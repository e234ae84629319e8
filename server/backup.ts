import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";

/**
 * Backups of the embedded database: a consistent dump of the PGlite data directory (gzip tarball)
 * plus the uploaded files, in one folder per backup. The app must be stopped: one PGlite directory
 * is owned by one process. For PostgreSQL use pg_dump / pg_restore (README).
 */
export interface BackupResult {
  folder: string;
  databaseBytes: number;
}

const DB_FILE = "pglite.tar.gz";
const UPLOADS = "uploads";

export async function backupEmbedded(dataDir: string, backupsDir: string, now = new Date()): Promise<BackupResult> {
  const source = path.join(dataDir, "pglite");
  if (!existsSync(source)) throw new Error(`No embedded database in ${source}`);
  const folder = path.join(backupsDir, `clinic-${now.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(folder, { recursive: true });
  const db = new PGlite({ dataDir: source, extensions: { btree_gist } });
  try {
    const dump = await db.dumpDataDir("gzip");
    const bytes = Buffer.from(await dump.arrayBuffer());
    writeFileSync(path.join(folder, DB_FILE), bytes);
    const uploads = path.join(dataDir, UPLOADS);
    if (existsSync(uploads)) cpSync(uploads, path.join(folder, UPLOADS), { recursive: true });
    return { folder, databaseBytes: bytes.length };
  } finally {
    await db.close();
  }
}

/** Restores a backup folder into DATA_DIR; the current data is kept aside (renamed), never deleted. */
export async function restoreEmbedded(backupFolder: string, dataDir: string, now = new Date()): Promise<{ keptAside: string | null }> {
  const dump = path.join(backupFolder, DB_FILE);
  if (!existsSync(dump)) throw new Error(`${backupFolder} is not a backup folder (no ${DB_FILE})`);
  const target = path.join(dataDir, "pglite");
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let keptAside: string | null = null;
  if (existsSync(target)) {
    keptAside = `${target}.before-restore-${stamp}`;
    renameSync(target, keptAside);
  }
  mkdirSync(target, { recursive: true });
  const db = new PGlite({ dataDir: target, extensions: { btree_gist }, loadDataDir: new Blob([readFileSync(dump)]) });
  await db.waitReady;
  await db.close();
  const uploads = path.join(dataDir, UPLOADS);
  const savedUploads = path.join(backupFolder, UPLOADS);
  if (existsSync(savedUploads)) {
    if (existsSync(uploads)) renameSync(uploads, `${uploads}.before-restore-${stamp}`);
    cpSync(savedUploads, uploads, { recursive: true });
  }
  return { keptAside };
}
