/**
 * What happens when a session's call ends: the call and everyone's attendance close, the session is
 * completed and its slot freed from that moment, the homework set in the call is mailed (job queue, at
 * most once), and the program moves on (6th session → conclusion due; conclusion → decision pending).
 */
import { scheduleHomeworkEmail } from "../homework/homework";
import type { AppServices } from "../context";
import { recordSessionCompleted } from "../journey/progress";
import { recordLeave } from "./attendance";

export async function completeSession(services: AppServices, sessionId: string, endedBy: string): Promise<{ endedAt: Date }> {
  const now = services.now();
  await services.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("sessionCall")
      .values({ sessionId, startedAt: now, endedAt: now, endedBy })
      .onConflict((oc) => oc.column("sessionId").doUpdateSet({ endedAt: now, endedBy }))
      .execute();
    await recordLeave(trx, { sessionId, at: now });
    await trx
      .updateTable("clinicalSession")
      .set({ status: "completed", endedAt: now, updatedAt: now })
      .where("id", "=", sessionId)
      .where("status", "=", "scheduled")
      .execute();
    await scheduleHomeworkEmail(services, sessionId, trx);
  });
  await recordSessionCompleted(services, sessionId);
  return { endedAt: now };
}

/** A repeated end repairs a program step that failed after the first one; idempotent. */
export async function repairCompletion(services: AppServices, sessionId: string): Promise<void> {
  await recordSessionCompleted(services, sessionId);
}
