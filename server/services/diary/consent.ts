/**
 * Consent to face snapshots, recorded and revocable. Two separate scopes:
 * - `landmarks`: the browser measures the face and sends only the 478 points (no picture);
 * - `photos`: additionally keep the captured pictures (a second, separate opt-in).
 * Withdrawing deletes what the scope covers (landmarks withdrawal deletes snapshots and photos; the diary
 * text stays) and is recorded with its time.
 */
import { z } from "zod";
import type { FaceConsentScope } from "../../../db/schema-diary";
import { DomainError } from "../../domain/domain-error";
import type { Queryable } from "../../jobs/queue";
import type { FormResult } from "../accounts";
import type { Actor, AppServices } from "../context";
import { assertPatientSelf, audit, logEvent } from "./access";
import { deletePhotoFiles } from "./photo-store";

/** Bump when the consent text changes; stored with every grant. */
export const FACE_CONSENT_TEXT_VERSION = "2026-03-diary-v1";

export interface FaceConsentState {
  landmarks: { grantedAt: string } | null;
  photos: { grantedAt: string } | null;
}

export async function loadFaceConsent(db: Queryable, patientId: string): Promise<FaceConsentState> {
  const rows = await db.selectFrom("faceConsent").select(["scope", "grantedAt"]).where("patientId", "=", patientId).where("withdrawnAt", "is", null).execute();
  const of = (scope: FaceConsentScope) => {
    const row = rows.find((r) => r.scope === scope);
    return row ? { grantedAt: row.grantedAt.toISOString() } : null;
  };
  return { landmarks: of("landmarks"), photos: of("photos") };
}

export async function myFaceConsent(services: AppServices, actor: Actor): Promise<FaceConsentState> {
  assertPatientSelf(actor);
  return loadFaceConsent(services.db, actor.userId);
}

const grantSchema = z.object({
  scope: z.enum(["landmarks", "photos"], { message: "Choose what you agree to" }),
  agree: z.literal("yes", { message: "Tick the box to show you agree" }),
});

/** Records consent. Photos need the landmarks consent first (or in the same step). */
export async function grantFaceConsent(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<FaceConsentState>> {
  assertPatientSelf(actor);
  const parsed = grantSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, code: "INVALID_INPUT", fieldErrors };
  }
  const now = services.now();
  const current = await loadFaceConsent(services.db, actor.userId);
  if (parsed.data.scope === "photos" && !current.landmarks) {
    return { ok: false, code: "INVALID_INPUT", fieldErrors: {}, formError: "First agree to face measurements; keeping pictures is an extra step." };
  }
  if (!current[parsed.data.scope]) {
    await services.db.transaction().execute(async (trx) => {
      await trx.insertInto("faceConsent").values({ patientId: actor.userId, scope: parsed.data.scope, textVersion: FACE_CONSENT_TEXT_VERSION, grantedAt: now, withdrawnAt: null }).execute();
      await audit(trx, actor, actor.userId, "consent.granted", "face_consent", parsed.data.scope);
    });
    logEvent(services, "diary.consent_granted", { scope: parsed.data.scope });
  }
  return { ok: true, value: await loadFaceConsent(services.db, actor.userId) };
}

const withdrawSchema = z.object({ scope: z.enum(["all", "photos"], { message: "Choose what to withdraw" }) });

export interface WithdrawResult {
  snapshotsDeleted: number;
  photosDeleted: number;
  state: FaceConsentState;
}

/**
 * Withdraws consent and deletes the data it covered: "photos" deletes every kept picture; "all" deletes
 * every snapshot (landmarks, measures) and picture. Diary text and ratings stay.
 */
export async function withdrawFaceConsent(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<WithdrawResult>> {
  assertPatientSelf(actor);
  const parsed = withdrawSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: { scope: "Choose what to withdraw" } };
  const now = services.now();
  const patientId = actor.userId;
  const scopes: FaceConsentScope[] = parsed.data.scope === "all" ? ["landmarks", "photos"] : ["photos"];
  const { paths, snapshotsDeleted } = await services.db.transaction().execute(async (trx) => {
    const photos = await trx
      .selectFrom("faceCapture as c")
      .innerJoin("faceSnapshot as s", "s.id", "c.snapshotId")
      .select(["c.id", "c.photoPath"])
      .where("s.patientId", "=", patientId)
      .where("c.photoPath", "is not", null)
      .execute();
    let deleted = 0;
    if (parsed.data.scope === "all") {
      const result = await trx.deleteFrom("faceSnapshot").where("patientId", "=", patientId).executeTakeFirst();
      deleted = Number(result.numDeletedRows);
    } else if (photos.length) {
      await trx.updateTable("faceCapture").set({ photoPath: null, photoMime: null }).where("id", "in", photos.map((p) => p.id)).execute();
    }
    await trx.updateTable("faceConsent").set({ withdrawnAt: now }).where("patientId", "=", patientId).where("scope", "in", scopes).where("withdrawnAt", "is", null).execute();
    await audit(trx, actor, patientId, "consent.withdrawn", "face_consent", parsed.data.scope);
    return { paths: photos.map((p) => p.photoPath!), snapshotsDeleted: deleted };
  });
  const photosDeleted = await deletePhotoFiles(services, paths);
  logEvent(services, "diary.consent_withdrawn", { scope: parsed.data.scope, snapshotsDeleted, photosDeleted });
  return { ok: true, value: { snapshotsDeleted, photosDeleted, state: await loadFaceConsent(services.db, patientId) } };
}

export async function requireConsent(db: Queryable, patientId: string, scope: FaceConsentScope): Promise<void> {
  const state = await loadFaceConsent(db, patientId);
  if (!state[scope]) {
    throw new DomainError(
      "CONSENT_REQUIRED",
      scope === "landmarks" ? "Please give your consent to face measurements first." : "You have not agreed to keep pictures; only the measurements are kept.",
    );
  }
}

/** Every consent the patient gave, current and withdrawn, with its dates (listed on the account page). */
export async function myConsentHistory(services: AppServices, actor: Actor) {
  assertPatientSelf(actor);
  return services.db
    .selectFrom("faceConsent")
    .select(["id", "scope", "textVersion", "grantedAt", "withdrawnAt"])
    .where("patientId", "=", actor.userId)
    .orderBy("grantedAt", "desc")
    .execute();
}
