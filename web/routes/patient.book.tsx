import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import {
  bookConsultation,
  cancelConsultation,
  getEligibility,
  getIntake,
  listMyInvoices,
  listOpenConsultationSlots,
  loadJourneySettings,
  mySchedule,
  programOverview,
  rescheduleConsultation,
} from "../../server/services/journey";
import { formatMoney } from "../../server/domain/journey/billing";
import { FINAL_STATUSES } from "../../server/domain/journey/program-state";
import { FormError } from "../components/field";
import { formatDateTime, formatTime } from "../components/format-time";
import { EligibilityNotice, formatDayHeading, TextAreaField } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "Book a consultation · Facial palsy rehabilitation" }];


export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const services = context.services;
  const timeZone = context.session!.user.timeZone;
  const [intake, eligibility, schedule, program, settings, invoices] = await answering(() =>
    Promise.all([getIntake(services, actor), getEligibility(services, actor), mySchedule(services, actor), programOverview(services, actor), loadJourneySettings(services.db), listMyInvoices(services, actor)]),
  );
  const current = schedule.ok ? schedule.value.sessions.find((s) => s.kind === "consultation" && s.status === "scheduled" && new Date(s.endsAt.utc) > services.now()) : undefined;
  const enrolled = program !== null && !FINAL_STATUSES.includes(program.status);
  let slots: { therapistId: string; therapistName: string; startsAt: string; date: string; time: string }[] = [];
  if (intake && !enrolled) {
    const open = await listOpenConsultationSlots(services, actor, current ? { therapistId: current.therapistId } : {});
    if (open.ok) slots = open.value.slots.map((s) => ({ therapistId: s.therapistId, therapistName: s.therapistName, startsAt: s.startsAt.toISOString(), date: s.viewer.date, time: s.viewer.time }));
  }
  const invoice = current ? invoices.find((i) => i.sessionId === current.sessionId && i.status !== "void") : undefined;
  return {
    timeZone,
    hasIntake: intake !== null,
    eligibility,
    enrolled,
    price: formatMoney(settings.consultationPriceCents, settings.currency),
    minutes: settings.consultationMinutes,
    changeNoticeHours: settings.changeNoticeHours,
    current: current && {
      sessionId: current.sessionId,
      therapistName: current.therapistName,
      startsAt: current.startsAt.utc,
      endsAt: current.endsAt.utc,
      changeable: new Date(current.startsAt.utc).getTime() - services.now().getTime() > settings.changeNoticeHours * 3_600_000,
      invoice: invoice ? { amount: invoice.amount, status: invoice.status } : null,
    },
    slots,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const actor = actorOf(context);
  const intent = fields.intent;
  const [therapistId, startsAt] = String(fields.slot ?? "").split("|");
  if (intent === "book" || intent === "reschedule") {
    if (!startsAt) return { formError: "Choose a time from the list first.", field: "slot" };
    const result =
      intent === "book"
        ? await bookConsultation(context.services, actor, { therapistId, startsAt })
        : await rescheduleConsultation(context.services, actor, { sessionId: fields.sessionId, startsAt });
    if (!result.ok) return { formError: result.fieldErrors.startsAt ?? result.formError ?? Object.values(result.fieldErrors)[0] ?? "This time cannot be booked.", field: "slot", code: result.code };
    return redirect(`/patient/book?done=${intent === "book" ? "booked" : "moved"}`);
  }
  if (intent === "cancel") {
    const result = await cancelConsultation(context.services, actor, { sessionId: fields.sessionId, reason: fields.reason });
    if (!result.ok) return { formError: result.formError ?? Object.values(result.fieldErrors)[0] ?? "The consultation could not be cancelled.", field: result.fieldErrors.reason ? "reason" : "cancel", code: result.code };
    return redirect("/patient/book?done=cancelled");
  }
  return { formError: "Unknown action.", field: "form" };
}

const DONE: Record<string, string> = {
  booked: "Your consultation is booked. A confirmation with a calendar invitation is on its way to your e-mail.",
  moved: "Your consultation is moved. The updated calendar invitation is on its way to your e-mail.",
  cancelled: "Your consultation is cancelled.",
};

export default function Book() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const done = params.get("done");
  const days = [...new Set(data.slots.map((s) => s.date))];
  const day = days.includes(params.get("day") ?? "") ? (params.get("day") as string) : days[0];
  const daySlots = data.slots.filter((s) => s.date === day);
  const rescheduling = Boolean(data.current);
  const slotError = result?.field === "slot" ? result.formError : undefined;

  return (
    <div className="journey-page">
      <h1>{rescheduling ? "Your consultation" : "Book a consultation"}</h1>
      <p className="lead">
        A {data.minutes}-minute video consultation with a specialist, {data.price}. All times are in your time zone, <strong>{data.timeZone}</strong>.
      </p>
      {done && DONE[done] ? (
        <div className="alert alert--ok" role="status">
          {DONE[done]}
        </div>
      ) : null}
      {result && result.field !== "slot" ? <FormError message={result.formError} /> : null}
      {!data.hasIntake ? (
        <div className="alert alert--info">
          Please <Link to="/patient/intake">tell us about your palsy</Link> first, so your specialist can prepare the consultation.
        </div>
      ) : data.enrolled ? (
        <div className="alert alert--info">You are enrolled in the program: the planning desk schedules your sessions. See <Link to="/patient">My program</Link>.</div>
      ) : (
        <>
          {data.eligibility && data.eligibility.status !== "eligible" ? <EligibilityNotice eligibility={data.eligibility} showBookLink={false} /> : null}
          {data.current ? (
            <section className="card" aria-labelledby="current-title">
              <h2 id="current-title">Booked</h2>
              <p data-testid="booked-consultation">
                <strong>{formatDateTime(data.current.startsAt, data.timeZone)}</strong> – {formatTime(data.current.endsAt, data.timeZone)} with{" "}
                {data.current.therapistName}
              </p>
              {data.current.invoice ? (
                <p>
                  Invoice: {data.current.invoice.amount} · <span className="badge">{data.current.invoice.status === "paid" ? "paid" : "to be paid by bank transfer"}</span>
                </p>
              ) : null}
              <p>
                <Link to={`/sessions/${data.current.sessionId}`}>Open the consultation page</Link> (you can join 10 minutes before the start).
              </p>
              {data.current.changeable ? (
                <>
                  <p className="muted">You can move or cancel it up to {data.changeNoticeHours} hours before it starts. To move it, choose a new time below.</p>
                  <details>
                    <summary>Cancel the consultation</summary>
                    <Form method="post" noValidate>
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="sessionId" value={data.current.sessionId} />
                      <TextAreaField name="reason" label="Reason (optional)" rows={2} error={result?.field === "reason" ? result.formError : undefined} />
                      <button type="submit" className="button button--danger" disabled={busy}>
                        Cancel the consultation
                      </button>
                    </Form>
                  </details>
                </>
              ) : (
                <p className="muted">It starts in less than {data.changeNoticeHours} hours: to change it, please contact the clinic.</p>
              )}
            </section>
          ) : null}
          {!data.current || data.current.changeable ? (
            <section aria-labelledby="slots-title">
              <h2 id="slots-title">{rescheduling ? "Move to another time" : "Choose a time"}</h2>
              {days.length === 0 ? (
                <p className="muted">No time is open in the coming weeks. Please look again later or contact the clinic.</p>
              ) : (
                <>
                  <nav aria-label="Days with open times" className="day-picker">
                    {days.map((d) => (
                      <Link key={d} to={`?day=${d}`} aria-current={d === day ? "date" : undefined} className={d === day ? "day-picker__day day-picker__day--current" : "day-picker__day"} preventScrollReset>
                        {formatDayHeading(d)}
                      </Link>
                    ))}
                  </nav>
                  <Form method="post" className="card" noValidate>
                    <input type="hidden" name="intent" value={rescheduling ? "reschedule" : "book"} />
                    {data.current ? <input type="hidden" name="sessionId" value={data.current.sessionId} /> : null}
                    {slotError ? (
                      <div className="alert alert--error" role="alert" id="slot-error">
                        {slotError}
                      </div>
                    ) : null}
                    <fieldset className="slots" aria-describedby={slotError ? "slot-error" : undefined} aria-invalid={slotError ? true : undefined}>
                      <legend>{formatDayHeading(day)}</legend>
                      {daySlots.map((s) => (
                        <label key={`${s.therapistId}|${s.startsAt}`} className="slot">
                          <input type="radio" name="slot" value={`${s.therapistId}|${s.startsAt}`} required />
                          <span className="slot__time">{s.time}</span> <span className="muted">with {s.therapistName}</span>
                        </label>
                      ))}
                    </fieldset>
                    <button type="submit" className="button" disabled={busy}>
                      {rescheduling ? "Move my consultation to this time" : `Book this time (${data.price})`}
                    </button>
                  </Form>
                </>
              )}
            </section>
          ) : null}
        </>
      )}
      <p>
        <Link to="/patient">Back to my program</Link>
      </p>
    </div>
  );
}
