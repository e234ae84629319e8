/**
 * Kept face pictures (only with the second opt-in): files under DATA_DIR/face-photos/<patient>/, never in a
 * served folder; read back only through the authorised API. Uploads are checked by magic bytes and size.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { STORED_DIR_MODE, STORED_FILE_MODE } from "../../security/stored-files";
import path from "node:path";
import type { AppServices } from "../context";

export const PHOTO_TYPES = [
  { mime: "image/jpeg", ext: "jpg", magic: [0xff, 0xd8, 0xff] },
  { mime: "image/png", ext: "png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: "image/webp", ext: "webp", magic: [0x52, 0x49, 0x46, 0x46] },
] as const;

/** A captured frame at 640×480 is ~40–120 kB as JPEG; anything far larger is not one of ours. */
export const PHOTO_MAX_BYTES = 2_000_000;

export function sniffPhoto(bytes: Uint8Array): (typeof PHOTO_TYPES)[number] | null {
  for (const t of PHOTO_TYPES) {
    if (bytes.length >= 12 && t.magic.every((b, i) => bytes[i] === b)) {
      if (t.mime === "image/webp" && String.fromCharCode(...bytes.subarray(8, 12)) !== "WEBP") continue;
      return t;
    }
  }
  return null;
}

export function photoRoot(services: AppServices): string {
  return path.resolve(services.env.DATA_DIR, "face-photos");
}

function safeResolve(services: AppServices, relative: string): string {
  const root = photoRoot(services);
  const full = path.resolve(root, relative);
  if (!full.startsWith(root + path.sep)) throw new Error("photo path outside the photo folder");
  return full;
}

/** Each patient's photos live in a folder of their own (named after a sanitised id). */
function patientFolder(patientId: string): string {
  return patientId.replace(/[^A-Za-z0-9_-]/g, "_");
}

export async function writePhotoFile(services: AppServices, patientId: string, captureId: string, ext: string, bytes: Uint8Array): Promise<string> {
  const relative = path.join(patientFolder(patientId), `${captureId}.${ext}`);
  const full = safeResolve(services, relative);
  await mkdir(path.dirname(full), { recursive: true, mode: STORED_DIR_MODE });
  await writeFile(full, bytes, { mode: STORED_FILE_MODE });
  return relative;
}

export async function readPhotoFile(services: AppServices, relative: string): Promise<Uint8Array | null> {
  try {
    return await readFile(safeResolve(services, relative));
  } catch {
    return null;
  }
}

export async function deletePhotoFiles(services: AppServices, relatives: readonly string[]): Promise<number> {
  let n = 0;
  for (const r of relatives) {
    try {
      await rm(safeResolve(services, r), { force: true });
      n++;
    } catch (error) {
      services.logger.warn({ event: "diary.photo_delete_failed", error: (error as Error).name }, "photo delete failed");
    }
  }
  return n;
}

/** Erasure: the patient's whole photo folder, whatever is (still) in it. */
export async function deletePatientPhotoFolder(services: AppServices, patientId: string): Promise<void> {
  await rm(safeResolve(services, patientFolder(patientId)), { recursive: true, force: true });
}
