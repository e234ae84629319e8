import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { loadJourneySettings, planConclusionSession, plannerQueue, programOverview, proposeSessionPlan, sendProposal } from "../../server/services/journey";
import { FormError } from "../components/field";
import { formatDateTime } from "../components/format-time";
import { ErrorText, STATUS_LABEL } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";
import { instantFromLocalInput, localInputValue } from "../components/local-time";

export const handle = { access: rolesAccess("planner") };
export const meta: MetaFunction = () => [{ title: "Propose session dates · Facial palsy rehabilitation" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const services = context.services;
  const timeZone = context.session!.user.timeZone;
  const program = await answering(() => programOverview(services, actor, { programId: params.programId }));
  if (!program) throw new Response("Program not found", { status: 404 });
  const [queue, settings] = await Promise.all([plannerQueue(services, actor), loadJourneySettings(services.db)]);
  const entry = queue.find((q) => q.programId === program.programId);
  const planning = program.status === "awaiting_plan" || program.status === "plan_proposed";
  const suggestion = planning ? await answering(() => proposeSessionPlan(services, actor, { programId: program.programId })) : null;
  // Revising a proposal starts from what the patient has; a new one from the suggestion.
  const dates = program.openPlan
    ? program.openPlan.sessions.map((s) => ({ sequence: s.sequence, startsAt: s.startsAt.utc, reason: s.deviationReason ?? "" }))
    : suggestion?.ok
      ? suggestion.value.sessions.map((s) => ({ sequence: s.sequence, startsAt: s.startsAt.toISOString(), reason: "" }))
      : [];
  return {
    timeZone,
    patientTimeZone: entry?.patientTimeZone ?? null,
    therapistName: program.therapistName,
    patientName: program.patientName,
    programId: program.programId,
    status: program.status,
    planning,
    changeRequest: entry?.changeRequest ?? null,
    planDueAt: program.planDueAt?.utc ?? null,
    planOverdue: program.planOverdue,
    suggestionError: suggestion && !suggestion.ok ? (suggestion.formError ?? Object.values(suggestion.fieldErrors)[0]) : null,
    sessionMinutes: settings.sessionMinutes,
    conclusionMinutes: settings.conclusionMinutes,
    conclusionDue: program.status === "conclusion_due",
    conclusion: (() => {
      const held = program.sessions.find((s) => s.kind === "conclusion" && s.status !== "cancelled");
      return held ? held.startsAt.utc : null;
    })(),
    minDays: settings.minDaysBetweenSessions,
    maxDays: settings.maxDaysBetweenSessions,
    dates: dates.map((d) => ({ ...d, local: localInputValue(d.startsAt, timeZone) })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const fields = (await formObject(request)) as Record<string, string>;
  const timeZone = context.session!.user.timeZone;
  if (fields.intent === "conclusion") {
    const instant = instantFromLocalInput(fields.startsAt, timeZone);
    if (!instant) return { fieldErrors: { startsAt: "Enter a date and time" } as Record<string, string>, formError: "Please correct the date marked below. Nothing was booked.", values: fields };
    const booked = await answering(() => planConclusionSession(context.services, actorOf(context), { programId: params.programId, startsAt: instant.toISOString() }));
    if (!booked.ok) return { fieldErrors: booked.fieldErrors, formError: booked.formError ?? "Please correct the date marked below. Nothing was booked.", values: fields };
    return redirect(`/planner/plan/${params.programId}?booked=1`);
  }
  const count = Number.parseInt(fields.count ?? "0", 10);
  const fieldErrors: Record<string, string> = {};
  const sessions: { startsAt: string; reason?: string }[] = [];
  for (let i = 0; i < Math.min(Math.max(count, 0), 24); i++) {
    const instant = instantFromLocalInput(fields[`sessions.${i}.startsAt`], timeZone);
    if (!instant) fieldErrors[`sessions.${i}.startsAt`] = `Session ${i + 1}: enter a date and time`;
    sessions.push({ startsAt: instant ? instant.toISOString() : "", reason: fields[`sessions.${i}.reason`] || undefined });
  }
  if (Object.keys(fieldErrors).length > 0) return { fieldErrors, formError: "Please correct the dates marked below. Nothing was sent.", values: fields };
  const result = await answering(() => sendProposal(context.services, actorOf(context), { programId: params.programId, sessions }));
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError ?? "Please correct the dates marked below. Nothing was sent.", values: fields };
  return redirect(`/planner/plan/${params.programId}?sent=1`);
}

export default function PlanEditor() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = (result?.fieldErrors ?? {}) as Record<string, string>;
  const values = (result?.values ?? null) as Record<string, string> | null;
  return (
    <div className="journey-page">
      <h1>Session dates for {data.patientName}</h1>
      <p className="lead">
        With {data.therapistName}. <span className="badge">{STATUS_LABEL[data.status] ?? data.status}</span>
        {data.planDueAt && data.status === "awaiting_plan" ? (
          <>
            {" "}
            Proposal due {formatDateTime(data.planDueAt, data.timeZone)} {data.planOverdue ? <span className="badge badge--danger">overdue</span> : null}
          </>
        ) : null}
      </p>
      {search.get("sent") && data.status === "plan_proposed" ? (
        <div className="alert alert--ok" role="status">
          The dates are sent to the patient, who can accept them or ask for changes.
        </div>
      ) : null}
      {data.changeRequest ? (
        <div className="alert alert--info">
          The patient asked for other dates: “{data.changeRequest}”
        </div>
      ) : null}
      {search.get("booked") && data.conclusion ? (
        <div className="alert alert--ok" role="status">
          The conclusion session is booked for {formatDateTime(data.conclusion, data.timeZone)}; the patient and the therapist receive an invitation.
        </div>
      ) : null}
      {data.conclusionDue ? (
        <>
          <p>
            Module 1 is complete. Book the complimentary {data.conclusionMinutes}-minute conclusion session (free of charge) in the therapist's working hours. Times are in your zone,{" "}
            {data.timeZone}
            {data.patientTimeZone ? `; the patient lives in ${data.patientTimeZone}` : ""}.
          </p>
          <FormError message={result?.formError} />
          <Form method="post" noValidate className="card">
            <input type="hidden" name="intent" value="conclusion" />
            <div className="field">
              <label htmlFor="conclusion-start">Conclusion session date and time ({data.timeZone})</label>
              <input
                id="conclusion-start"
                name="startsAt"
                type="datetime-local"
                defaultValue={values?.startsAt ?? ""}
                aria-invalid={errors.startsAt ? true : undefined}
                aria-describedby={errors.startsAt ? "conclusion-start-error" : undefined}
              />
              <ErrorText id="conclusion-start" error={errors.startsAt} />
            </div>
            <button type="submit" className="button" disabled={busy}>
              Book the conclusion session
            </button>
          </Form>
        </>
      ) : !data.planning ? (
        <p>This program is not waiting for dates.</p>
      ) : data.dates.length === 0 ? (
        <FormError message={data.suggestionError ?? "No dates could be suggested."} />
      ) : (
        <>
          <p>
            {data.dates.length} sessions of {data.sessionMinutes} minutes, {data.minDays}–{data.maxDays} days apart, in the therapist's working hours. Times are in your
            zone, {data.timeZone}
            {data.patientTimeZone ? `; the patient lives in ${data.patientTimeZone}` : ""}. A date outside the interval needs a reason, which the patient sees.
          </p>
          <FormError message={result?.formError} />
          <Form method="post" noValidate className="card">
            <input type="hidden" name="count" value={data.dates.length} />
            <table className="plan-editor">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Date and time ({data.timeZone})</th>
                  <th scope="col">Reason, if outside {data.minDays}–{data.maxDays} days</th>
                </tr>
              </thead>
              <tbody>
                {data.dates.map((d, i) => {
                  const start = `sessions.${i}.startsAt`;
                  const reason = `sessions.${i}.reason`;
                  return (
                    <tr key={i}>
                      <th scope="row">{d.sequence}</th>
                      <td>
                        <label className="visually-hidden" htmlFor={`start-${i}`}>
                          Session {d.sequence} date and time
                        </label>
                        <input
                          id={`start-${i}`}
                          name={start}
                          type="datetime-local"
                          defaultValue={values?.[start] ?? d.local}
                          aria-invalid={errors[start] ? true : undefined}
                          aria-describedby={errors[start] ? `start-${i}-error` : undefined}
                          data-instant={d.startsAt}
                        />
                        {data.patientTimeZone && !values ? <div className="muted small">Patient: {formatDateTime(d.startsAt, data.patientTimeZone)}</div> : null}
                        <ErrorText id={`start-${i}`} error={errors[start]} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`reason-${i}`}>
                          Reason for session {d.sequence}
                        </label>
                        <input id={`reason-${i}`} name={reason} type="text" defaultValue={values?.[reason] ?? d.reason} aria-invalid={errors[reason] ? true : undefined} />
                        <ErrorText id={`reason-${i}`} error={errors[reason]} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {errors.sessions ? <ErrorText id="sessions" error={errors.sessions} /> : null}
            <button type="submit" className="button" disabled={busy}>
              {data.status === "plan_proposed" ? "Send the revised dates to the patient" : "Send the dates to the patient"}
            </button>
          </Form>
        </>
      )}
      <p>
        <Link to="/planner">Back to the planning desk</Link>
      </p>
    </div>
  );
}
