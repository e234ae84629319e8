/**
 * A patient's full record, made through the services a real clinic uses: intake, the consultation's
 * outcome (enrol), the planner's proposal accepted by the patient (program sessions and invoice),
 * homework assigned in a session, practice logs, diary entries with a therapist's reply, and face
 * snapshots with photos. Every free text carries `marker`, so a test can tell whose data a response shows.
 * Used by the authorisation matrix and the export bench.
 */
import type { HomeworkItem } from "../../server/domain/collab/homework-list";
import { framedFixtureCapture } from "../../server/domain/symmetry/test-support";
import type { Actor, AppServices } from "../../server/services/context";
import { createDiaryEntry, grantFaceConsent, replyToDiaryEntry } from "../../server/services/diary";
import { attachSnapshotPhoto, submitSnapshot } from "../../server/services/diary/snapshots";
import { logPractice } from "../../server/services/homework/homework";
import { persistManySyncChanges } from "../../server/services/board/session-sync";
import { acceptProposal, proposeSessionPlan, recordConsultationOutcome, recordProgramDecision, sendProposal } from "../../server/services/journey";
import { saveIntake } from "../../server/services/journey/intake";
import { planConclusionSession, recordSessionCompleted } from "../../server/services/journey/progress";
import { VALID_INTAKE } from "../../server/services/journey/test-support";

/** The smallest JPEG the photo store accepts (checked by its magic bytes). */
export const TINY_JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

export interface PatientRecord {
  patientId: string;
  therapistId: string;
  programId: string;
  consultationId: string;
  sessionIds: string[];
  planIds: string[];
  invoiceIds: string[];
  entryIds: string[];
  snapshotIds: string[];
  captureIds: string[];
  practiceIds: string[];
  homeworkItemIds: string[];
}

export interface RecordOptions {
  patientEmail: string;
  therapistEmail: string;
  marker: string;
  diaryEntries?: number;
  snapshots?: number;
  /** 2 = module 1, its conclusion session, the decision for module 2, and module 2's sessions. */
  modules?: 1 | 2;
  /** The bytes of each kept face photo (a real one is 100–300 kB). */
  photo?: Uint8Array;
}

function must<T>(result: { ok: true; value: T } | { ok: false }, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result)}`);
  return result.value;
}

async function actorFor(services: AppServices, email: string): Promise<Actor & { timeZone: string }> {
  const user = await services.db.selectFrom("user").select(["id", "role", "timeZone"]).where("email", "=", email).executeTakeFirstOrThrow();
  return { userId: user.id, role: user.role, sessionId: `seed-${user.id}`, ip: "127.0.0.1", timeZone: user.timeZone };
}

const homeworkItem = (id: string, title: string, order: string): HomeworkItem => ({
  id,
  version: 1,
  versionNonce: 7,
  isDeleted: false,
  order,
  techniqueId: null,
  title,
  notes: "Slowly, in front of a mirror",
  illustrationIds: [],
  repetitions: 10,
  sets: 2,
  timesPerDay: 2,
  minutes: 5,
});

function snapshotCaptures(capturedAt: Date) {
  return ["rest", "big_smile"].map((expression, i) => {
    return { ...framedFixtureCapture(i === 0 ? "london-004_rest.jpg" : "london-004_smile.jpg", expression as never), capturedAt: capturedAt.toISOString() };
  });
}

/** Proposes the suggested dates for the program's open sessions and has the patient accept them. */
async function planAndAccept(services: AppServices, planner: Actor, patient: Actor, programId: string): Promise<string> {
  const suggestion = must(await proposeSessionPlan(services, planner, { programId }), "propose");
  const sent = must(await sendProposal(services, planner, { programId, sessions: suggestion.sessions.map((s) => ({ startsAt: s.startsAt.toISOString() })) }), "send");
  must(await acceptProposal(services, patient, { planId: sent.planId }), "accept");
  return sent.planId;
}

/** Marks sessions as held (what the end of a call does). */
async function hold(services: AppServices, sessionIds: string[]): Promise<void> {
  for (const id of sessionIds) {
    await services.db.updateTable("clinicalSession").set({ status: "completed" }).where("id", "=", id).execute();
    await recordSessionCompleted(services, id);
  }
}

export async function seedPatientRecord(services: AppServices, options: RecordOptions): Promise<PatientRecord> {
  const { marker } = options;
  const patient = await actorFor(services, options.patientEmail);
  const therapist = await actorFor(services, options.therapistEmail);
  const planner = await actorFor(services, "planner@demo.clinic");
  must(await saveIntake(services, patient, { ...VALID_INTAKE, timeZone: patient.timeZone, freeText: `${marker} intake: my smile is still uneven` }), "intake");

  const consultation = await services.db
    .selectFrom("clinicalSession")
    .select("id")
    .where("patientId", "=", patient.userId)
    .where("therapistId", "=", therapist.userId)
    .where("kind", "=", "consultation")
    .executeTakeFirstOrThrow();
  const programId = must(await recordConsultationOutcome(services, therapist, { sessionId: consultation.id, outcome: "enrol" }), "outcome").programId!;
  const planIds = [await planAndAccept(services, planner, patient, programId)];
  const programSessions = async () =>
    (await services.db.selectFrom("clinicalSession").select("id").where("programId", "=", programId).where("kind", "=", "program").orderBy("startsAt").execute()).map((r) => r.id);

  if (options.modules === 2) {
    const module1 = await programSessions();
    await hold(services, module1);
    const last = await services.db.selectFrom("clinicalSession").select("endsAt").where("id", "=", module1.at(-1)!).executeTakeFirstOrThrow();
    // The conclusion a week after the last session, at the same time of day (inside the therapist's hours).
    const conclusionAt = new Date(last.endsAt.getTime() - 60 * 60_000 + 7 * 86_400_000);
    const conclusion = must(await planConclusionSession(services, planner, { programId, startsAt: conclusionAt.toISOString() }), "conclusion");
    await hold(services, [conclusion.sessionId]);
    must(await recordProgramDecision(services, therapist, { programId, decision: "module2" }), "decision");
    planIds.push(await planAndAccept(services, planner, patient, programId));
  }
  const sessionIds = await programSessions();

  // Homework assigned during each session (what the board channel saves), and practice logged against it.
  const homeworkItemIds: string[] = [];
  const practiceIds: string[] = [];
  for (const [i, sessionId] of sessionIds.entries()) {
    const items = [homeworkItem(`hw-${i}-a`, `${marker} homework: slow smile`, "V"), homeworkItem(`hw-${i}-b`, `${marker} homework: eyebrow lift`, "W")];
    await persistManySyncChanges(services, new Map([[sessionId, { pages: [], elements: new Map(), homework: items }]]));
    homeworkItemIds.push(...items.map((item) => item.id));
    practiceIds.push(must(await logPractice(services, patient, { minutes: 10, sessionId, itemIds: items.map((item) => item.id) }), "practice").id);
  }

  const today = services.now();
  const entryIds: string[] = [];
  for (let i = 0; i < (options.diaryEntries ?? 1); i++) {
    const entryDate = new Date(today.getTime() - (i + 1) * 86_400_000).toISOString().slice(0, 10);
    const { entryId } = must(await createDiaryEntry(services, patient, { entryDate, body: `${marker} diary ${i}: the left corner moved a little`, tension: "3", pain: "1" }), "diary");
    entryIds.push(entryId);
  }
  must(await replyToDiaryEntry(services, therapist, { entryId: entryIds[0], body: `${marker} reply: well done, keep going` }), "reply");

  must(await grantFaceConsent(services, patient, { scope: "landmarks", agree: "yes" }), "consent landmarks");
  must(await grantFaceConsent(services, patient, { scope: "photos", agree: "yes" }), "consent photos");
  const snapshotIds: string[] = [];
  const captureIds: string[] = [];
  for (let i = 0; i < (options.snapshots ?? 1); i++) {
    const saved = must(await submitSnapshot(services, patient, { captures: snapshotCaptures(new Date(today.getTime() - i * 60_000)) }), "snapshot");
    snapshotIds.push(saved.snapshotId);
    entryIds.push(saved.entryId);
    for (const expression of ["rest", "big_smile"]) {
      captureIds.push(must(await attachSnapshotPhoto(services, patient, { snapshotId: saved.snapshotId, expression, bytes: options.photo ?? TINY_JPEG }), "photo").captureId);
    }
  }

  const invoiceIds = (await services.db.selectFrom("invoice").select("id").where("patientId", "=", patient.userId).execute()).map((r) => r.id);
  return { patientId: patient.userId, therapistId: therapist.userId, programId, consultationId: consultation.id, sessionIds, planIds, invoiceIds, entryIds, snapshotIds, captureIds, practiceIds, homeworkItemIds };
}
