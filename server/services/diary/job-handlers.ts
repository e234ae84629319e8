import { deliverDiaryReminder, deliverDiaryReplyMail, DIARY_DUE_JOB, DIARY_REPLY_JOB } from ".";
import type { JobHandlers } from "../../jobs/worker";

/** Jobs of the diary area: "your diary is due" reminders and "your therapist answered" e-mails. */
export function diaryJobHandlers(): JobHandlers {
  return {
    [DIARY_DUE_JOB]: (payload, ctx) => deliverDiaryReminder(ctx.services, payload, ctx),
    [DIARY_REPLY_JOB]: (payload, ctx) => deliverDiaryReplyMail(ctx.services, payload),
  };
}
