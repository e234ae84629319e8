import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { signedIn } from "../../server/access/access";
import { DomainError } from "../../server/domain/domain-error";
import { type AttendanceSummary, getAttendance } from "../../server/services/calls";
import { overrideUnpaidBlock } from "../../server/services/journey";
import { getCallContext } from "../../server/services/sessions/access";
import { blockPaymentState } from "../../server/services/sessions/payment-state";
import { FormError } from "../components/field";
import { formatDateTime, formatTime, kindLabel } from "../components/format-time";
import { TextAreaField } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";
import { adherenceForTherapist } from "../../server/services/homework/homework";
import { AdherenceChart, AdherenceFigures } from "../components/homework/adherence-chart";
import callRoomStyles from "../styles/call-room.css?url";

// Membership is checked by the service (only this session's therapist, patient and invited staff).
export const handle = { access: signedIn };
export const meta: MetaFunction = () => [{ title: "Session · Facial palsy rehabilitation" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: callRoomStyles }];

const CallRoom = lazy(() => import("../components/call/call-room.client"));

export async function loader({ params, context }: LoaderFunctionArgs) {
  const session = context.session!;
  const user = actorOf(context);
  try {
    const ctx = await getCallContext(context.services, user, params.sessionId ?? "");
    let attendance: AttendanceSummary | null = null;
    if (ctx.myRole !== "patient" && ctx.availability.state === "ended") attendance = await getAttendance(context.services, user, ctx.sessionId);
    const other = ctx.myRole === "patient" ? ctx.therapist.name : ctx.patient.name;
    // A program session of an unpaid block waits for the payment (or a recorded override); the call refuses it too.
    let unpaid: string | null = null;
    if (ctx.availability.state === "open" || ctx.availability.state === "too_early") {
      const decision = await blockPaymentState(context.services.db, ctx.sessionId);
      if (!decision.allowed && decision.code === "BLOCK_UNPAID") unpaid = decision.message;
    }
    // Before and during the session, the therapist sees how the homework went since the last one.
    const adherence = ctx.myRole === "therapist" ? ((await adherenceForTherapist(context.services, user, ctx.patient.id))[0] ?? null) : null;
    return {
      sessionId: ctx.sessionId,
      kind: ctx.kind,
      startsAt: ctx.startsAt.toISOString(),
      endsAt: ctx.endsAt.toISOString(),
      myRole: ctx.myRole,
      myName: session.user.name,
      otherName: other,
      availability: { state: ctx.availability.state, at: "opensAt" in ctx.availability ? ctx.availability.opensAt.toISOString() : "endedAt" in ctx.availability ? ctx.availability.endedAt.toISOString() : null },
      timeZone: session.user.timeZone,
      unpaid,
      adherence,
      attendance: attendance && {
        actualMinutes: attendance.actualMinutes,
        rows: attendance.rows.map((r) => ({ name: r.name, joinedAt: r.joinedAt.toISOString(), leftAt: r.leftAt?.toISOString() ?? null, intervals: r.intervals.map((i) => ({ from: i.joinedAt.toISOString(), to: i.leftAt?.toISOString() ?? null })) })),
      },
    };
  } catch (error) {
    if (error instanceof DomainError && error.code === "FORBIDDEN") throw new Response(error.message, { status: 403 });
    if (error instanceof DomainError && error.code === "NOT_FOUND") throw new Response(error.message, { status: 404 });
    throw error;
  }
}

/** The session's therapist lets a session of an unpaid block start; who and why is recorded. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const result = await answering(() => overrideUnpaidBlock(context.services, actorOf(context), { sessionId: params.sessionId, reason: fields.reason }));
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError };
  return { fieldErrors: {} as Record<string, string>, formError: undefined };
}

function UnpaidGate({ message, myRole }: { message: string; myRole: string }) {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (myRole === "patient") {
    return (
      <div className="card" role="status" data-testid="unpaid-gate">
        <h2>Waiting for payment</h2>
        <p>
          {message}. The session can start once your bank transfer is recorded by the planning desk. If you have already paid, please contact the clinic; your
          therapist can also let the session start.
        </p>
      </div>
    );
  }
  return (
    <div className="card" data-testid="unpaid-gate">
      <h2>This session's block is not paid</h2>
      <p>{message}. You can start it anyway; your name and reason are recorded for the planning desk.</p>
      <FormError message={result?.formError} />
      <Form method="post" noValidate>
        <TextAreaField name="reason" label="Reason for starting before the payment" rows={2} error={result?.fieldErrors.reason} />
        <button type="submit" className="button" disabled={busy}>
          Override and start
        </button>
      </Form>
    </div>
  );
}

export default function SessionPage() {
  const data = useLoaderData<typeof loader>();
  const { availability, timeZone } = data;
  const revalidator = useRevalidator();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  // When the call opens, the page turns into the call without a reload.
  useEffect(() => {
    if (availability.state !== "too_early" || !availability.at) return;
    const wait = new Date(availability.at).getTime() - Date.now();
    const timer = setTimeout(() => revalidator.revalidate(), Math.max(1000, Math.min(wait + 500, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [availability, revalidator]);

  const home = data.myRole === "patient" ? "/patient" : "/therapist";
  // Before the call it sits on the page; in the call, in the room's side panel.
  const adherence = data.adherence ? (
    <details className="card adherence-session">
      <summary>Homework practice of {data.adherence.name} (last four weeks)</summary>
      <AdherenceFigures summary={data.adherence.summary} />
      <AdherenceChart summary={data.adherence.summary} label={`Practices per day of ${data.adherence.name}`} />
    </details>
  ) : null;
  return (
    <>
      <h1>
        {kindLabel(data.kind, data.startsAt, data.endsAt)} with {data.otherName}
      </h1>
      <p className="muted">
        {formatDateTime(data.startsAt, timeZone)} – {formatTime(data.endsAt, timeZone)} ({timeZone})
      </p>
      {data.unpaid && data.myRole !== "guest_staff" ? (
        <UnpaidGate message={data.unpaid} myRole={data.myRole} />
      ) : availability.state === "too_early" ? (
        <div className="card" role="status">
          <h2>The call is not open yet</h2>
          <p>
            You can join from <strong>{formatDateTime(availability.at!, timeZone)}</strong>, 10 minutes before the start. This page opens the
            call by itself then.
          </p>
        </div>
      ) : availability.state === "open" ? (
        mounted ? (
          <div className="call-host">
          <Suspense fallback={<p role="status">Preparing the call…</p>}>
            <CallRoom
              title={`${kindLabel(data.kind, data.startsAt, data.endsAt)} with ${data.otherName}`}
              sessionId={data.sessionId}
              myRole={data.myRole}
              myName={data.myName}
              otherName={data.otherName}
              startsAt={data.startsAt}
              endsAt={data.endsAt}
              extraTools={adherence}
              kindLabel={kindLabel(data.kind, data.startsAt, data.endsAt)}
              timeZone={timeZone}
            />
          </Suspense>
          </div>
        ) : (
          <p role="status">Preparing the call…</p>
        )
      ) : (
        <div className="card" role="status">
          <h2>{availability.state === "ended" ? "This session has ended" : availability.state === "cancelled" ? "This session was cancelled" : "This session's time is over"}</h2>
          <p>
            <Link to={home}>Back to my home page</Link>
          </p>
        </div>
      )}
      {availability.state !== "open" ? adherence : null}
      {data.attendance ? (
        <section aria-labelledby="attendance-title">
          <h2 id="attendance-title">Attendance</h2>
          <p>Actual duration: {data.attendance.actualMinutes ?? "—"} minutes</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col">Joined</th>
                <th scope="col">Left</th>
                <th scope="col">Connected</th>
              </tr>
            </thead>
            <tbody>
              {data.attendance.rows.map((r, i) => (
                <tr key={i}>
                  <td>{r.name}</td>
                  <td>{formatTime(r.joinedAt, timeZone)}</td>
                  <td>{r.leftAt ? formatTime(r.leftAt, timeZone) : "—"}</td>
                  <td>{r.intervals.map((i) => `${formatTime(i.from, timeZone)}–${i.to ? formatTime(i.to, timeZone) : "now"}`).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
