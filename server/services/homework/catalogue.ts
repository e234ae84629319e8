/**
 * The technique catalogue (admin and therapists) and illustrations: catalogue images and board
 * exports. Uploaded files are checked by their bytes and kept under DATA_DIR/uploads, outside every
 * served folder; they are read back only through {@link readIllustration}, which authorises.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { STORED_DIR_MODE, STORED_FILE_MODE } from "../../security/stored-files";
import path from "node:path";
import { z } from "zod";
import type { IllustrationType } from "../../../db/schema-homework";
import { DomainError } from "../../domain/domain-error";
import { DOSAGE_BOUNDS } from "../../domain/collab/homework-list";
import { IMAGE_EXTENSION, sniffImageType } from "../../domain/homework/image-type";
import type { FormResult } from "../accounts";
import type { AppServices } from "../context";
import { isUuid } from "../../domain/ids";
import { type CallUser, getCallContext, sessionTherapist } from "../sessions/access";
import { demoDrawingPng } from "./demo-illustrations";

export interface TechniqueView {
  id: string;
  name: string;
  description: string;
  dosage: { repetitions: number; sets: number; timesPerDay: number; minutes: number };
  illustrations: { id: string; caption: string }[];
}

function requireCatalogueEditor(user: CallUser): void {
  if (user.role !== "admin" && user.role !== "therapist") throw new DomainError("FORBIDDEN", "Only therapists and administrators manage the technique catalogue.");
}

/** Every technique not archived, with its illustrations (for the catalogue page and the call panels). */
export async function listTechniques(services: AppServices, user: CallUser): Promise<TechniqueView[]> {
  requireCatalogueEditor(user);
  const techniques = await services.db.selectFrom("technique").selectAll().where("archivedAt", "is", null).orderBy("name").execute();
  const illustrations = await services.db
    .selectFrom("illustration")
    .select(["id", "techniqueId", "caption"])
    .where("techniqueId", "is not", null)
    .orderBy("createdAt")
    .execute();
  return techniques.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    dosage: { repetitions: t.repetitions, sets: t.sets, timesPerDay: t.timesPerDay, minutes: t.minutes },
    illustrations: illustrations.filter((i) => i.techniqueId === t.id).map((i) => ({ id: i.id, caption: i.caption })),
  }));
}

const dosageField = (key: keyof typeof DOSAGE_BOUNDS, label: string) =>
  z.coerce
    .number({ message: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(DOSAGE_BOUNDS[key].min, `${label} must be at least ${DOSAGE_BOUNDS[key].min}`)
    .max(DOSAGE_BOUNDS[key].max, `${label} must be at most ${DOSAGE_BOUNDS[key].max}`);

const techniqueSchema = z.object({
  name: z.string().trim().min(2, "Give the technique a name").max(120, "The name is too long (120 characters at most)"),
  description: z.string().trim().min(10, "Describe how to do it (at least 10 characters)").max(4000, "The description is too long (4,000 characters at most)"),
  repetitions: dosageField("repetitions", "Repetitions"),
  sets: dosageField("sets", "Sets"),
  timesPerDay: dosageField("timesPerDay", "Times a day"),
  minutes: dosageField("minutes", "Minutes"),
});

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

export async function createTechnique(services: AppServices, user: CallUser, input: unknown): Promise<FormResult<{ id: string }>> {
  requireCatalogueEditor(user);
  const parsed = techniqueSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error), code: "INVALID_INPUT" };
  const now = services.now();
  const row = await services.db
    .insertInto("technique")
    .values({ ...parsed.data, createdBy: user.userId, updatedAt: now, archivedAt: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  services.logger.info({ event: "technique.created", techniqueId: row.id }, "technique created");
  return { ok: true, value: { id: row.id } };
}

export async function archiveTechnique(services: AppServices, user: CallUser, techniqueId: string): Promise<void> {
  requireCatalogueEditor(user);
  if (!isUuid(techniqueId)) throw new DomainError("NOT_FOUND", "No such technique.");
  const result = await services.db.updateTable("technique").set({ archivedAt: services.now() }).where("id", "=", techniqueId).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new DomainError("NOT_FOUND", "No such technique.");
}

// ── Files ─────────────────────────────────────────────────────────────────────────────────────────

function uploadDir(services: AppServices): string {
  return path.resolve(services.env.DATA_DIR, "uploads", "illustrations");
}

/** Checks an uploaded image (size, then real type by magic bytes) and stores it; nothing is kept on failure. */
async function storeImage(services: AppServices, bytes: Uint8Array): Promise<{ storageKey: string; contentType: IllustrationType; byteSize: number }> {
  const limit = services.env.UPLOAD_LIMIT_BYTES;
  if (bytes.length === 0) throw new DomainError("INVALID_FILE", "Choose an image file to upload.", "file");
  if (bytes.length > limit) throw new DomainError("FILE_TOO_LARGE", `The image is too large: at most ${(limit / 1_000_000).toFixed(0)} MB.`, "file");
  const contentType = sniffImageType(bytes);
  if (!contentType) throw new DomainError("UNSUPPORTED_FILE_TYPE", "Only PNG, JPEG or WebP images can be uploaded.", "file");
  const dir = uploadDir(services);
  await mkdir(dir, { recursive: true, mode: STORED_DIR_MODE });
  const storageKey = `file:${randomUUID()}.${IMAGE_EXTENSION[contentType]}`;
  await writeFile(path.join(dir, storageKey.slice(5)), bytes, { flag: "wx", mode: STORED_FILE_MODE });
  return { storageKey, contentType, byteSize: bytes.length };
}

export async function addTechniqueIllustration(services: AppServices, user: CallUser, techniqueId: string, bytes: Uint8Array, caption = ""): Promise<{ id: string }> {
  requireCatalogueEditor(user);
  if (!isUuid(techniqueId)) throw new DomainError("NOT_FOUND", "No such technique.");
  const technique = await services.db.selectFrom("technique").select("id").where("id", "=", techniqueId).executeTakeFirst();
  if (!technique) throw new DomainError("NOT_FOUND", "No such technique.");
  const stored = await storeImage(services, bytes);
  return services.db
    .insertInto("illustration")
    .values({ ...stored, techniqueId, sessionId: null, caption: caption.slice(0, 200), createdBy: user.userId, createdAt: services.now() })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/** A board export (or another image) the session's therapist adds to the session's illustrations. */
export async function addSessionIllustration(services: AppServices, user: CallUser, sessionId: string, bytes: Uint8Array, caption = ""): Promise<{ id: string }> {
  await sessionTherapist(services, user, sessionId);
  const stored = await storeImage(services, bytes);
  const row = await services.db
    .insertInto("illustration")
    .values({ ...stored, techniqueId: null, sessionId, caption: caption.slice(0, 200), createdBy: user.userId, createdAt: services.now() })
    .returning("id")
    .executeTakeFirstOrThrow();
  services.logger.info({ event: "illustration.session_added", sessionId, illustrationId: row.id }, "board export stored");
  return row;
}

export async function listSessionIllustrations(services: AppServices, user: CallUser, sessionId: string): Promise<{ id: string; caption: string; createdAt: Date }[]> {
  await getCallContext(services, user, sessionId);
  return services.db.selectFrom("illustration").select(["id", "caption", "createdAt"]).where("sessionId", "=", sessionId).orderBy("createdAt").execute();
}

/** The bytes of a stored illustration (no authorisation: callers authorise). */
export async function illustrationBytes(services: AppServices, storageKey: string): Promise<Buffer | null> {
  if (storageKey.startsWith("builtin:")) return demoDrawingPng(storageKey.slice(8));
  const name = storageKey.slice(5);
  if (!storageKey.startsWith("file:") || !/^[0-9a-f-]{36}\.(png|jpg|webp)$/.test(name)) return null;
  return readFile(path.join(uploadDir(services), name)).catch(() => null);
}

/**
 * An illustration for a signed-in user: catalogue images are generic teaching material any user of
 * the clinic may see; a session's board exports only its participants.
 */
export async function readIllustration(services: AppServices, user: CallUser, illustrationId: string): Promise<{ bytes: Buffer; contentType: string; fileName: string }> {
  if (!isUuid(illustrationId)) throw new DomainError("NOT_FOUND", "No such illustration.");
  const row = await services.db.selectFrom("illustration").selectAll().where("id", "=", illustrationId).executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", "No such illustration.");
  if (row.sessionId) await getCallContext(services, user, row.sessionId);
  const bytes = await illustrationBytes(services, row.storageKey);
  if (!bytes) throw new DomainError("NOT_FOUND", "This illustration's file is missing.");
  return { bytes, contentType: row.contentType, fileName: `illustration-${row.id.slice(0, 8)}.${IMAGE_EXTENSION[row.contentType]}` };
}

/** Which of `ids` may be attached to homework of `sessionId`: catalogue images and this session's exports. */
export async function attachableIllustrationIds(services: AppServices, sessionId: string, ids: readonly string[]): Promise<Set<string>> {
  const uuids = [...new Set(ids)].filter(isUuid);
  if (uuids.length === 0) return new Set();
  const rows = await services.db
    .selectFrom("illustration")
    .select("id")
    .where("id", "in", uuids)
    .where((eb) => eb.or([eb("techniqueId", "is not", null), eb("sessionId", "=", sessionId)]))
    .execute();
  return new Set(rows.map((r) => r.id));
}

// ── Demo catalogue ────────────────────────────────────────────────────────────────────────────────

const DEMO_TECHNIQUES = [
  { drawing: "eyebrow-lift", name: "Gentle eyebrow lift", description: "Sit upright facing a mirror. Slowly raise both eyebrows as far as is comfortable, hold for three seconds, then let them come down slowly. Keep the rest of the face relaxed.", dosage: { repetitions: 10, sets: 2, timesPerDay: 2, minutes: 5 } },
  { drawing: "eye-closure", name: "Soft eye closure", description: "Close both eyes gently, as if falling asleep, without squeezing. Hold for three seconds and open slowly. Watch in the mirror that the cheeks stay soft.", dosage: { repetitions: 10, sets: 2, timesPerDay: 2, minutes: 4 } },
  { drawing: "closed-lip-smile", name: "Closed-lip smile", description: "With the lips together, draw both corners of the mouth slowly outwards into a small smile. Hold for three seconds, release slowly. Small and even is better than big.", dosage: { repetitions: 8, sets: 2, timesPerDay: 2, minutes: 4 } },
  { drawing: "lip-pucker", name: "Lip pucker", description: "Bring the lips forward into a small pucker, as if to whistle. Hold for three seconds and relax. Keep the movement slow and the same on both sides.", dosage: { repetitions: 8, sets: 2, timesPerDay: 2, minutes: 3 } },
  { drawing: "cheek-release", name: "Cheek and jaw release", description: "Place the fingertips on both cheeks and stroke slowly downwards towards the jaw with light pressure. Breathe calmly and let the jaw hang loose.", dosage: { repetitions: 6, sets: 1, timesPerDay: 2, minutes: 3 } },
];

/** Adds the demo catalogue (generic exercises, each with a drawn illustration) when it is empty. */
export async function seedDemoCatalogue(services: AppServices): Promise<void> {
  const any = await services.db.selectFrom("technique").select("id").limit(1).executeTakeFirst();
  if (any) return;
  const now = services.now();
  for (const demo of DEMO_TECHNIQUES) {
    const png = demoDrawingPng(demo.drawing);
    const technique = await services.db
      .insertInto("technique")
      .values({ name: demo.name, description: demo.description, ...demo.dosage, createdBy: null, updatedAt: now, archivedAt: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await services.db
      .insertInto("illustration")
      .values({ techniqueId: technique.id, sessionId: null, storageKey: `builtin:${demo.drawing}`, contentType: "image/png", byteSize: png?.length ?? 0, caption: demo.name, createdBy: null, createdAt: now })
      .execute();
  }
}
