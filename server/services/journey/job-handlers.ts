import {
  deliverInvoiceReminder,
  deliverOutcomeMail,
  deliverPlanMail,
  deliverSessionMail,
  deliverSessionReminder,
} from "./notifications";
import { JOB_KINDS } from "../../jobs/constants";
import type { JobHandlers } from "../../jobs/worker";

/** The handlers of the patient journey's jobs, by kind. */
export function journeyJobHandlers(): JobHandlers {
  return {
    [JOB_KINDS.sessionMail]: (payload, ctx) => deliverSessionMail(ctx.services, payload, ctx),
    [JOB_KINDS.planMail]: (payload, ctx) => deliverPlanMail(ctx.services, payload, ctx),
    [JOB_KINDS.reminder24h]: (payload, ctx) => deliverSessionReminder(ctx.services, payload, ctx, "24h"),
    [JOB_KINDS.reminder1h]: (payload, ctx) => deliverSessionReminder(ctx.services, payload, ctx, "1h"),
    [JOB_KINDS.invoiceReminder]: (payload, ctx) => deliverInvoiceReminder(ctx.services, payload, ctx),
    [JOB_KINDS.outcomeMail]: (payload, ctx) => deliverOutcomeMail(ctx.services, payload, ctx),
  };
}
