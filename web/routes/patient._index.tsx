import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DomainError } from "../../server/domain/domain-error";
import { invoiceLabel } from "../../server/domain/journey/billing";
import { formFields } from "../components/form-data.server";
import { rolesAccess } from "../../server/access/access";
import { listMySessions } from "../../server/services/calls";
import { myDiaryStatus } from "../../server/services/diary";
import { describeClinicContact, getEligibility, listMyInvoices, myNextStep, programOverview, startInvoiceCheckout, stripeConfigured } from "../../server/services/journey";
import { myPostalAddress } from "../../server/services/journey/postal-address";
import { DueNotice } from "../components/diary/due-notice";
import { formatDateTime } from "../components/format-time";
import { ClinicContactDetails, DECISION_RESULT, EligibilityNotice, formatIsoDate, STATUS_LABEL } from "../components/journey";
import { actorOf, answering } from "../components/journey.server";
import { SessionList } from "../components/session-list";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My program · Facial palsy rehabilitation" }];

/** "Pay online": off to Stripe Checkout; the payment is recorded from Stripe's webhook. */
export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  try {
    const { url } = await startInvoiceCheckout(context.services, actorOf(context), fields.invoiceId ?? "");
    return redirect(url);
  } catch (error) {
    if (error instanceof DomainError) throw new Response(error.message, { status: error.code === "NOT_FOUND" ? 404 : 409 });
    throw error;
  }
}

export async function loader({ context }: LoaderFunctionArgs) {
  const { id, name, role, timeZone } = context.session!.user;
  const actor = actorOf(context);
  const services = context.services;
  const [sessions, eligibility, program, invoices, diary] = await answering(() =>
    Promise.all([
      listMySessions(services, { userId: id, role }),
      getEligibility(services, actor),
      programOverview(services, actor),
      listMyInvoices(services, actor),
      myDiaryStatus(services, actor),
    ]),
  );
  const { step, outcome } = await answering(() => myNextStep(services, actor, program?.nextStep));
  const address = await myPostalAddress(services, actor);
  return {
    step,
    outcome: outcome && { kind: outcome.outcome, reason: outcome.reason, contact: outcome.clinicContact, contactLine: describeClinicContact(outcome.clinicContact) },
    onlinePayment: stripeConfigured(services),
    user: { name, role, timeZone },
    diary: { dueAt: diary.due.dueAt?.toISOString() ?? null, overdue: diary.due.overdue },
    eligibility,
    program: program && {
      status: program.status,
      nextStep: program.nextStep,
      decision: program.decision,
      therapistName: program.therapistName,
      sessionsCompleted: program.sessionsCompleted,
      sessionsTotal: program.sessionsTotal,
      hasOpenPlan: program.openPlan !== null,
      welcomePackage: program.welcomePackage,
      hasAddress: address.stored,
    },
    invoices: invoices
      .filter((i) => i.status !== "void")
      .map((i) => ({ id: i.id, label: invoiceLabel(i), amount: i.amount, status: i.status, dueAt: i.dueAt?.utc ?? null, overdue: i.overdue })),
    sessions: sessions.map((s) => ({ ...s, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
  };
}

function NextStep({ step }: { step: ReturnType<typeof useLoaderData<typeof loader>>["step"] }) {
  return (
    <>
      <p data-testid="next-step">{step.text}</p>
      {step.link ? (
        <p>
          <Link to={step.link.to} className="button">
            {step.link.label}
          </Link>
        </p>
      ) : null}
    </>
  );
}

/** Not suitable or clinic visit: the specialist's reason and how to reach the clinic. */
function OutcomeNotice({ outcome }: { outcome: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["outcome"]> }) {
  return (
    <section className="card" aria-labelledby="outcome">
      <h2 id="outcome">{outcome.kind === "not_suitable" ? "The online program is not suitable for you" : "A visit to the clinic is recommended"}</h2>
      {outcome.reason ? (
        <>
          <p>Your specialist's explanation:</p>
          <blockquote data-testid="outcome-reason">{outcome.reason}</blockquote>
        </>
      ) : null}
      <p>{outcome.kind === "not_suitable" ? "For questions or other options, contact the clinic:" : "To arrange your visit, contact the clinic:"}</p>
      <ClinicContactDetails contact={outcome.contact} />
    </section>
  );
}

export default function PatientHome() {
  const data = useLoaderData<typeof loader>();
  const { user, sessions, program, invoices, diary } = data;
  return (
    <>
      <h1>Welcome, {user.name}</h1>
      <WhoAmI user={user} />
      <div className="grid">
        <section className="card" aria-labelledby="next-step">
          <h2 id="next-step">Your next step</h2>
          <NextStep step={data.step} />
        </section>
        {data.outcome ? <OutcomeNotice outcome={data.outcome} /> : null}
        {data.eligibility && !program && !data.outcome ? (
          <section className="card" aria-labelledby="eligibility">
            <h2 id="eligibility">Online program</h2>
            <EligibilityNotice eligibility={data.eligibility} showBookLink={data.step.kind === "book_consultation"} />
            <p>
              <Link to="/patient/intake">See or correct your answers</Link>
            </p>
          </section>
        ) : null}
        {program ? (
          <section className="card" aria-labelledby="program">
            <h2 id="program">Your program</h2>
            <p>
              <span className="badge">{STATUS_LABEL[program.status] ?? program.status}</span>
            </p>
            <p>
              Sessions held: {program.sessionsCompleted} of {program.sessionsTotal}, with {program.therapistName}.
            </p>
            {program.decision ? (
              <p data-testid="decision">
                At your conclusion session you and {program.therapistName} agreed to {DECISION_RESULT[program.decision]}.
              </p>
            ) : null}
            <h3>Welcome package</h3>
            {program.welcomePackage ? (
              <p data-testid="welcome-package">
                Posted on {formatIsoDate(program.welcomePackage.shippedOn)}
                {program.welcomePackage.carrier ? ` with ${program.welcomePackage.carrier}` : ""}, tracking number <strong>{program.welcomePackage.trackingNumber}</strong>.
              </p>
            ) : (
              <>
                <p className="muted">Your welcome package (the “passport” folder for your homework sheets) will be posted to you; shipping is free.</p>
                <p>
                  <Link to="/patient/address">{program.hasAddress ? "Check or correct my postal address" : "Give my postal address"}</Link>
                </p>
              </>
            )}
          </section>
        ) : null}
        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">Your sessions</h2>
          <SessionList sessions={sessions} timeZone={user.timeZone} empty="No session is planned yet." />
        </section>
        <section className="card" aria-labelledby="invoices">
          <h2 id="invoices">Invoices</h2>
          {invoices.length === 0 ? (
            <p className="muted">No invoice yet.</p>
          ) : (
            <ul className="plain-list">
              {invoices.map((i) => (
                <li key={i.id}>
                  {i.label}: {i.amount}{" "}
                  <span className={i.status === "paid" ? "badge badge--ok" : i.overdue ? "badge badge--danger" : "badge"}>{i.status === "paid" ? "paid" : i.overdue ? "overdue" : "to pay"}</span>
                  {i.status === "unpaid" && i.dueAt ? <span className="muted"> · due {formatDateTime(i.dueAt, user.timeZone)}</span> : null}
                  {i.status === "unpaid" && data.onlinePayment ? (
                    <Form method="post" className="inline-form inline-form--text">
                      <input type="hidden" name="invoiceId" value={i.id} />
                      <button type="submit" className="link-button">
                        Pay online
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {invoices.some((i) => i.status === "unpaid") ? (
            <p className="muted">{data.onlinePayment ? "Pay online by card, or by bank transfer (the planning desk records it)." : "Please pay by bank transfer; the planning desk records your payment."}</p>
          ) : null}
          <p>
            <Link to="/patient/invoices">Bank details, balances and invoice documents</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="homework">
          <h2 id="homework">Homework</h2>
          <p>Practise twice a day, 15–20 minutes each time.</p>
          <p>
            <Link to="/patient/practice">Practise now</Link> · <Link to="/patient/homework">My homework and practice log</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="diary">
          <h2 id="diary">Face observation diary</h2>
          <DueNotice dueAt={diary.dueAt} overdue={diary.overdue} timeZone={user.timeZone} />
          <p>
            <Link to="/diary/new">Write a diary entry</Link> · <Link to="/diary">My diary</Link>
          </p>
        </section>
      </div>
    </>
  );
}
