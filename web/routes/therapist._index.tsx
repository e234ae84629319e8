import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { listMySessions } from "../../server/services/calls";
import { DECISION_LABEL } from "../../server/domain/journey/program-state";
import { adherenceForTherapist } from "../../server/services/homework/homework";
import { consultationsAwaitingOutcome, programsAwaitingDecision, recordProgramDecision, therapistPrograms } from "../../server/services/journey";
import { AdherenceChart, AdherenceFigures } from "../components/homework/adherence-chart";
import { kindsTherapistsBook, listMyPatients, scheduleSessionForPatient } from "../../server/services/therapist-sessions";
import { FormError } from "../components/field";
import { STATUS_LABEL } from "../components/journey";
import { actorOf, answering } from "../components/journey.server";
import { formFields } from "../components/form-data.server";
import { SessionList } from "../components/session-list";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("therapist") };
export const meta: MetaFunction = () => [{ title: "My patients · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { id, name, role, timeZone } = context.session!.user;
  const [sessions, patients, awaitingOutcome, adherence, awaitingDecision, programs, kinds] = await Promise.all([
    listMySessions(context.services, { userId: id, role }),
    listMyPatients(context.services, actorOf(context)),
    consultationsAwaitingOutcome(context.services, actorOf(context)),
    adherenceForTherapist(context.services, actorOf(context)),
    programsAwaitingDecision(context.services, actorOf(context)),
    therapistPrograms(context.services, actorOf(context)),
    kindsTherapistsBook(context.services),
  ]);
  return {
    user: { name, role, timeZone },
    sessions: sessions.map((s) => ({ ...s, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
    patients: patients.map((p) => ({ id: p.id, name: p.name })),
    awaitingOutcome: awaitingOutcome.length,
    adherence,
    awaitingDecision,
    programs,
    kinds,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { id, role, name, timeZone } = context.session!.user;
  const fields = await formFields(request);
  if (fields.intent === "decision") {
    const decided = await answering(() => recordProgramDecision(context.services, actorOf(context), fields));
    if (!decided.ok) return { intent: "decision", programId: String(fields.programId ?? ""), fieldErrors: decided.fieldErrors, formError: decided.formError, done: null };
    return { intent: "decision", programId: decided.value.programId, fieldErrors: {}, formError: undefined, done: `Decision recorded: ${DECISION_LABEL[decided.value.decision]}.` };
  }
  const result = await scheduleSessionForPatient(context.services, { userId: id, role, name, timeZone }, fields);
  if (!result.ok) return { intent: "schedule", programId: "", fieldErrors: result.fieldErrors, formError: result.formError, done: null };
  return redirect(`/sessions/${result.value.sessionId}`);
}

export default function TherapistHome() {
  const { user, sessions, patients, awaitingOutcome, adherence, awaitingDecision, programs, kinds } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = (data?.intent === "schedule" ? data.fieldErrors : {}) as Record<string, string>;
  const decisionErrorsFor = (programId: string) => (data?.intent === "decision" && data.programId === programId ? data.fieldErrors : {}) as Record<string, string>;
  return (
    <>
      <h1>Therapist home</h1>
      <WhoAmI user={user} />
      {data?.done ? (
        <div className="alert alert--ok" role="status">
          {data.done}
        </div>
      ) : null}
      {awaitingDecision.length > 0 ? (
        <section className="card" aria-labelledby="decisions-title">
          <h2 id="decisions-title">Decisions after the conclusion session</h2>
          {awaitingDecision.map((p) => {
            const fieldErrors = decisionErrorsFor(p.programId);
            const error = fieldErrors.decision ?? (data?.intent === "decision" && data.programId === p.programId ? data.formError : undefined);
            return (
              <Form method="post" noValidate key={p.programId} className="decision-form" data-testid="decision-form">
                <input type="hidden" name="intent" value="decision" />
                <input type="hidden" name="programId" value={p.programId} />
                <fieldset className="choices" aria-invalid={error ? true : undefined} aria-describedby={error ? `decision-${p.programId}-error` : undefined}>
                  <legend>
                    What did you agree with {p.patientName}? ({p.sessionsCompleted} sessions held)
                  </legend>
                  {Object.entries(DECISION_LABEL).map(([value, label]) => (
                    <label key={value} className="choice">
                      <input type="radio" name="decision" value={value} /> {label}
                    </label>
                  ))}
                </fieldset>
                {error ? (
                  <span className="field-error" id={`decision-${p.programId}-error`} role="alert">
                    {error}
                  </span>
                ) : null}
                <button type="submit" className="button" disabled={busy}>
                  Record the decision
                </button>
              </Form>
            );
          })}
        </section>
      ) : null}
      <div className="grid">
        <section className="card" aria-labelledby="to-do">
          <h2 id="to-do">To do</h2>
          <p>
            {awaitingOutcome === 0 ? (
              <span className="muted">No consultation is waiting for its outcome.</span>
            ) : (
              <Link to="/therapist/consultations">
                {awaitingOutcome === 1 ? "1 consultation is waiting for its outcome" : `${awaitingOutcome} consultations are waiting for their outcomes`}
              </Link>
            )}
          </p>
          <p>
            <Link to="/therapist/availability">Your working hours, holidays and extra hours</Link>
          </p>
        </section>
        {programs.length > 0 ? (
          <section className="card" aria-labelledby="programs-title">
            <h2 id="programs-title">Programs</h2>
            <ul className="plain-list">
              {programs.map((p) => (
                <li key={p.programId} data-testid="program-row">
                  <strong>{p.patientName}</strong> <span className="badge">{STATUS_LABEL[p.status] ?? p.status}</span>{" "}
                  <span className="muted">
                    {p.sessionsCompleted} of {p.sessionsTotal} sessions held.
                  </span>{" "}
                  {p.nextStep}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">Your sessions</h2>
          <SessionList sessions={sessions} timeZone={user.timeZone} empty="No session planned." />
        </section>
        <section className="card" aria-labelledby="diaries-title">
          <h2 id="diaries-title">Diaries</h2>
          {patients.length === 0 ? (
            <p className="muted">Your patients' diaries appear here.</p>
          ) : (
            <ul>
              {patients.map((p) => (
                <li key={p.id}>
                  <Link to={`/therapist/patients/${p.id}/diary`}>Diary of {p.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="schedule-title">
          <h2 id="schedule-title">Schedule a session</h2>
          <FormError message={data?.intent === "schedule" ? data.formError : undefined} />
          {patients.length === 0 ? (
            <p className="muted">Patients appear here after their consultation with you.</p>
          ) : (
            <Form method="post" noValidate>
              <div className="field">
                <label htmlFor="patientId">Patient</label>
                <select id="patientId" name="patientId" aria-invalid={errors.patientId ? true : undefined}>
                  {patients.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
                {errors.patientId ? <span className="field-error">{errors.patientId}</span> : null}
              </div>
              <div className="field">
                <label htmlFor="kind">Kind of session</label>
                <select id="kind" name="kind" defaultValue="supporting" aria-invalid={errors.kind ? true : undefined} aria-describedby={errors.kind ? "kind-error" : undefined}>
                  {kinds.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </select>
                {errors.kind ? (
                  <span className="field-error" id="kind-error" role="alert">
                    {errors.kind}
                  </span>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor="startsAtLocal">Start ({user.timeZone})</label>
                <input id="startsAtLocal" name="startsAtLocal" type="datetime-local" required aria-invalid={errors.startsAtLocal ? true : undefined} aria-describedby={errors.startsAtLocal ? "startsAtLocal-error" : undefined} />
                {errors.startsAtLocal ? (
                  <span className="field-error" id="startsAtLocal-error" role="alert">
                    {errors.startsAtLocal}
                  </span>
                ) : null}
              </div>
              <button type="submit" className="button" disabled={busy}>
                Schedule and invite the patient
              </button>
            </Form>
          )}
        </section>
      </div>
      {adherence.length > 0 ? (
        <section className="card" aria-labelledby="adherence-title">
          <h2 id="adherence-title">Practice at home</h2>
          <p className="muted">Practices per day over the last four weeks (target: two a day), in each patient's own calendar days.</p>
          <div className="grid">
            {adherence.map((p) => (
              <div key={p.patientId} className="adherence-patient" data-testid={`adherence-${p.name}`}>
                <h3>{p.name}</h3>
                <AdherenceFigures summary={p.summary} />
                <AdherenceChart summary={p.summary} label={`Practices per day of ${p.name}`} />
              </div>
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}
