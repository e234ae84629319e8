import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { acceptProposal, programOverview, requestProposalChanges } from "../../server/services/journey";
import { FormError } from "../components/field";
import { formatDateTime } from "../components/format-time";
import { STATUS_LABEL, TextAreaField } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "Your session dates · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const program = await answering(() => programOverview(context.services, actorOf(context)));
  return {
    timeZone: context.session!.user.timeZone,
    program: program && {
      status: program.status,
      nextStep: program.nextStep,
      therapistName: program.therapistName,
      openPlan: program.openPlan && { planId: program.openPlan.planId, sessions: program.openPlan.sessions.map((s) => ({ sequence: s.sequence, startsAt: s.startsAt.utc, deviationReason: s.deviationReason })) },
      scheduled: program.sessions.filter((s) => s.kind === "program" && s.status === "scheduled").map((s) => ({ id: s.sessionId, sequence: s.sequence, startsAt: s.startsAt.utc })),
    },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const actor = actorOf(context);
  if (fields.intent === "accept") {
    const result = await answering(() => acceptProposal(context.services, actor, { planId: fields.planId }));
    if (!result.ok) return { fieldErrors: {} as Record<string, string>, formError: result.formError ?? Object.values(result.fieldErrors)[0] };
    return redirect("/patient/plan?accepted=1");
  }
  const result = await answering(() => requestProposalChanges(context.services, actor, { planId: fields.planId, message: fields.message }));
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError };
  return redirect("/patient/plan?asked=1");
}

export default function PatientPlan() {
  const { program, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  return (
    <div className="journey-page">
      <h1>Your session dates</h1>
      <p className="lead">Times are shown in your time zone, {timeZone}.</p>
      <FormError message={result?.formError} />
      {!program ? (
        <p>
          You are not enrolled in a program yet. <Link to="/patient">Back to my program</Link>
        </p>
      ) : program.openPlan ? (
        <>
          <p>The planning desk proposes these {program.openPlan.sessions.length} sessions of 1 h 30 with {program.therapistName}, 4 to 5 weeks apart:</p>
          <ol className="plan-list" data-testid="proposed-dates">
            {program.openPlan.sessions.map((s) => (
              <li key={s.sequence}>
                <strong>{formatDateTime(s.startsAt, timeZone)}</strong>
                {s.deviationReason ? <span className="muted"> — {s.deviationReason}</span> : null}
              </li>
            ))}
          </ol>
          <div className="grid">
            <Form method="post" className="card">
              <h2>These dates suit me</h2>
              <input type="hidden" name="planId" value={program.openPlan.planId} />
              <p>The sessions are booked and the invoices for the first blocks of three sessions are issued.</p>
              <button type="submit" name="intent" value="accept" className="button" disabled={busy}>
                Accept the dates
              </button>
            </Form>
            <Form method="post" className="card" noValidate>
              <h2>Ask for other dates</h2>
              <input type="hidden" name="planId" value={program.openPlan.planId} />
              <input type="hidden" name="intent" value="changes" />
              <TextAreaField name="message" label="What would suit you better?" error={result?.fieldErrors.message} hint="For example: evenings, or not in the week of 14 April." />
              <button type="submit" className="button button--secondary" disabled={busy}>
                Send my request
              </button>
            </Form>
          </div>
        </>
      ) : (
        <>
          {params.get("accepted") ? (
            <div className="alert alert--ok" role="status">
              Thank you, your sessions are booked. You will receive calendar invitations by e-mail.
            </div>
          ) : params.get("asked") ? (
            <div className="alert alert--ok" role="status">
              Your request is sent. The planning desk will propose new dates.
            </div>
          ) : null}
          <p>
            <span className="badge">{STATUS_LABEL[program.status] ?? program.status}</span> {program.nextStep}
          </p>
          {program.scheduled.length > 0 ? (
            <ol className="plan-list">
              {program.scheduled.map((s) => (
                <li key={s.id}>
                  <Link to={`/sessions/${s.id}`}>Session {s.sequence}</Link>: {formatDateTime(s.startsAt, timeZone)}
                </li>
              ))}
            </ol>
          ) : null}
        </>
      )}
      <p>
        <Link to="/patient">Back to my program</Link>
      </p>
    </div>
  );
}
