import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { consultationsAwaitingOutcome, getEligibility, getIntake, recordConsultationOutcome } from "../../server/services/journey";
import { FormError } from "../components/field";
import { formatDateTime } from "../components/format-time";
import { ChoiceGroup, CONCERN_LABEL, CONDITION_LABEL, EligibilityNotice, formatIsoDate, SIDE_LABEL, TextAreaField } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("therapist") };
export const meta: MetaFunction = () => [{ title: "Consultation outcomes · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const services = context.services;
  const waiting = await answering(() => consultationsAwaitingOutcome(services, actor));
  const consultations = await Promise.all(
    waiting.map(async (c) => {
      const [intake, eligibility] = await answering(() => Promise.all([getIntake(services, actor, c.patientId), getEligibility(services, actor, c.patientId)]));
      return {
        sessionId: c.sessionId,
        patientName: c.patientName,
        startsAt: c.startsAt.utc,
        intake: intake && { condition: intake.condition, affectedSide: intake.affectedSide, onsetDate: intake.onsetDate, concerns: intake.concerns, freeText: intake.freeText },
        eligibility,
      };
    }),
  );
  return { timeZone: context.session!.user.timeZone, consultations };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const result = await answering(() => recordConsultationOutcome(context.services, actorOf(context), fields));
  if (!result.ok) return { sessionId: String(fields.sessionId ?? ""), fieldErrors: result.fieldErrors, formError: result.formError, done: null };
  const labels = { enrol: "enrolled: the planning desk will propose the session dates", not_suitable: "told the program is not suitable", clinic_visit: "directed to a clinic visit" };
  return { sessionId: result.value.sessionId, fieldErrors: {} as Record<string, string>, formError: undefined, done: `Outcome recorded: the patient is ${labels[result.value.outcome]}.` };
}

export default function Consultations() {
  const { consultations, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="journey-page">
      <h1>Consultation outcomes</h1>
      <p className="lead">Consultations you have held whose outcome is not recorded yet. Times in {timeZone}.</p>
      {result?.done ? (
        <div className="alert alert--ok" role="status">
          {result.done}
        </div>
      ) : null}
      {consultations.length === 0 ? <p className="muted">No consultation is waiting for an outcome.</p> : null}
      {consultations.map((c) => {
        const mine = result?.sessionId === c.sessionId;
        const errors = mine ? result.fieldErrors : {};
        return (
          <section key={c.sessionId} className="card" aria-labelledby={`c-${c.sessionId}`}>
            <h2 id={`c-${c.sessionId}`}>
              {c.patientName} · {formatDateTime(c.startsAt, timeZone)}
            </h2>
            {c.intake ? (
              <p>
                {CONDITION_LABEL[c.intake.condition]}, {SIDE_LABEL[c.intake.affectedSide]?.toLowerCase()}, since {formatIsoDate(c.intake.onsetDate)}. Wants to address:{" "}
                {c.intake.concerns.map((x) => CONCERN_LABEL[x] ?? x).join("; ")}.{c.intake.freeText ? ` “${c.intake.freeText}”` : ""}
              </p>
            ) : (
              <p className="muted">No intake questionnaire on file.</p>
            )}
            {c.eligibility && c.eligibility.status !== "eligible" ? <EligibilityNotice eligibility={c.eligibility} showBookLink={false} /> : null}
            {mine ? <FormError message={result.formError} /> : null}
            <Form method="post" noValidate>
              <input type="hidden" name="sessionId" value={c.sessionId} />
              <ChoiceGroup
                name="outcome"
                legend="Outcome"
                type="radio"
                checked={[]}
                error={errors.outcome}
                options={[
                  { value: "enrol", label: "Enrol in the online program" },
                  { value: "not_suitable", label: "Not suitable for the online program" },
                  { value: "clinic_visit", label: "Clinic visit instead" },
                ]}
              />
              <TextAreaField
                name="reason"
                id={`reason-${c.sessionId}`}
                label="Reason or notes (the patient reads the reason when not suitable)"
                error={errors.reason}
              />
              <button type="submit" className="button" disabled={busy}>
                Record the outcome for {c.patientName}
              </button>
            </Form>
          </section>
        );
      })}
      <p>
        <Link to="/therapist">Back to my patients</Link>
      </p>
    </div>
  );
}
