import { HOMEWORK_EMAIL_JOB, prepareHomeworkEmail, preparePracticeReminder, PRACTICE_REMINDER_JOB } from "./homework";
import { sendMailOnce } from "../../jobs/mail-once";
import { type JobHandlers, PermanentJobError } from "../../jobs/worker";

/** Jobs of the homework area (homework e-mail after a session, practice reminders). */
export function homeworkJobHandlers(): JobHandlers {
  return {
    [HOMEWORK_EMAIL_JOB]: async (payload, { services }) => {
      const sessionId = (payload as { sessionId?: unknown }).sessionId;
      if (typeof sessionId !== "string") throw new PermanentJobError("sessionId missing");
      const mail = await prepareHomeworkEmail(services, sessionId);
      if (!mail) return "skipped: no homework";
      return sendMailOnce(services, `homework-email:${sessionId}`, mail);
    },
    [PRACTICE_REMINDER_JOB]: async (payload, { services, now }) => {
      const p = payload as { patientId?: unknown; localTime?: unknown };
      if (typeof p.patientId !== "string" || typeof p.localTime !== "string") throw new PermanentJobError("bad reminder payload");
      const result = await preparePracticeReminder(services, { patientId: p.patientId, localTime: p.localTime }, now);
      if ("skip" in result) return `skipped: ${result.skip}`;
      return sendMailOnce(services, result.dedupeKey, result.mail);
    },
  };
}
