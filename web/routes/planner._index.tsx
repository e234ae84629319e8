import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { recentAttendance } from "../../server/services/calls";
import { rolesAccess } from "../../server/access/access";
import { addCalendarDays } from "../../server/domain/journey/calendar-date";
import { startOfLocalDay, todayIn } from "../../server/domain/journey/zoned-time";
import { listStaff } from "../../server/services/people";
import { listUnpaidInvoices, packagesToShip, plannerCalendar, plannerQueue, recordPayment, recordWelcomePackageShipment } from "../../server/services/journey";
import { Field, FormError } from "../components/field";
import { formatDateTime, formatTime, kindLabel } from "../components/format-time";
import { formatDayHeading, SelectField, STATUS_LABEL } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("planner") };
export const meta: MetaFunction = () => [{ title: "Planning · Facial palsy rehabilitation" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { name, role, timeZone } = context.session!.user;
  const actor = actorOf(context);
  const services = context.services;
  const url = new URL(request.url);
  const week = Math.max(-52, Math.min(52, Number.parseInt(url.searchParams.get("week") ?? "0", 10) || 0));
  const therapistId = url.searchParams.get("therapist") ?? "";
  const firstDay = addCalendarDays(todayIn(timeZone, services.now()), week * 7);
  const from = startOfLocalDay(firstDay, timeZone);
  const to = startOfLocalDay(addCalendarDays(firstDay, 7), timeZone);
  const [staff, queue, calendar, unpaid, packages, attendance] = await answering(() =>
    Promise.all([
      listStaff(services, actor),
      plannerQueue(services, actor),
      plannerCalendar(services, actor, { from: from.toISOString(), to: to.toISOString(), therapistId: therapistId || undefined }),
      listUnpaidInvoices(services, actor),
      packagesToShip(services, actor),
      recentAttendance(services, { userId: actor.userId, role: actor.role }),
    ]),
  );
  return {
    user: { name, role, timeZone },
    today: todayIn(timeZone, services.now()),
    week,
    therapistId,
    firstDay,
    therapists: staff.filter((s) => s.role === "therapist").map((t) => ({ id: t.id, name: t.name })),
    queue: queue.map((q) => ({ ...q, planDueAt: q.planDueAt?.utc ?? null })),
    calendar: calendar.ok
      ? calendar.value.sessions.map((s) => ({ id: s.sessionId, kind: s.kind, sequence: s.sequence, status: s.status, therapistName: s.therapistName, patientName: s.patientName, date: s.startsAt.date, startsAt: s.startsAt.utc, endsAt: s.endsAt.utc }))
      : [],
    unpaid: unpaid.map((i) => ({ id: i.id, patientName: i.patientName, label: i.kind === "consultation" ? "Consultation" : i.kind === "supporting" ? "Supporting session" : `Block ${i.block}`, amount: i.amount, amountCents: i.amountCents, balanceCents: i.balanceCents, balance: i.balance, partlyPaid: i.paidCents > 0, dueAt: i.dueAt?.utc ?? null, overdue: i.overdue })),
    packages: packages.map((p) => ({ programId: p.programId, patientName: p.patientName, country: p.country, enrolledAt: p.enrolledAt.toISOString(), addressLines: p.addressLines })),
    attendance: attendance.map((a) => ({ id: a.id, kind: a.kind, startsAt: a.startsAt.toISOString(), therapistName: a.therapistName, patientName: a.patientName, actualMinutes: a.actualMinutes, ended: Boolean(a.endedAt) })),
  };
}

/** "945", "945.00" or "945,00" euros to cents; null when it is not an amount. */
function centsOf(value: string): number | null {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(value);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const actor = actorOf(context);
  if (fields.intent === "pay") {
    const id = String(fields.invoiceId ?? "");
    const cents = centsOf(String(fields.amount ?? ""));
    if (cents === null) return { intent: "pay", id, fieldErrors: { amount: "Enter the amount received, e.g. 945.00" } as Record<string, string>, formError: undefined, done: null };
    const result = await answering(() => recordPayment(context.services, actor, { invoiceId: id, amountCents: cents, paidOn: fields.paidOn, reference: fields.reference }));
    if (!result.ok) {
      const { amountCents, ...rest } = result.fieldErrors;
      return { intent: "pay", id, fieldErrors: { ...rest, ...(amountCents ? { amount: amountCents } : {}) }, formError: result.formError, done: null };
    }
    return { intent: "pay", id, fieldErrors: {}, formError: undefined, done: `Payment recorded: ${result.value.patientName}, ${result.value.status === "paid" ? result.value.amount : `${result.value.balance} still to pay of ${result.value.amount}`}.` };
  }
  if (fields.intent === "ship") {
    const id = String(fields.programId ?? "");
    const result = await answering(() => recordWelcomePackageShipment(context.services, actor, fields));
    if (!result.ok) return { intent: "ship", id, fieldErrors: result.fieldErrors, formError: result.formError, done: null };
    return { intent: "ship", id, fieldErrors: {}, formError: undefined, done: "Shipment recorded; the patient sees it on their home page." };
  }
  return { intent: "", id: "", fieldErrors: {}, formError: "Unknown action.", done: null };
}

export default function PlannerHome() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { user } = data;
  const days = [...new Set(data.calendar.map((s) => s.date))];
  const errorsFor = (intent: string, id: string) => (result && result.intent === intent && result.id === id ? result.fieldErrors : {}) as Record<string, string>;
  return (
    <>
      <h1>Planning desk</h1>
      <WhoAmI user={user} />
      {result?.done ? (
        <div className="alert alert--ok" role="status">
          {result.done}
        </div>
      ) : null}
      {result?.formError ? <FormError message={result.formError} /> : null}
      <section className="card" aria-labelledby="queue">
        <h2 id="queue">Waiting for session dates</h2>
        {data.queue.length === 0 ? (
          <p className="muted">No patient is waiting for session dates.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Therapist</th>
                <th scope="col">State</th>
                <th scope="col">Proposal due</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.queue.map((q) => (
                <tr key={q.programId} data-testid="queue-row">
                  <td>
                    {q.patientName}
                    <br />
                    <span className="muted">{q.patientTimeZone}</span>
                  </td>
                  <td>{q.therapistName}</td>
                  <td>
                    {STATUS_LABEL[q.status] ?? q.status}, {q.status === "conclusion_due" ? "one free 30-minute session" : `${q.sessionsToPlan} sessions`}
                    {q.changeRequest ? (
                      <>
                        <br />
                        <span className="muted">Patient asks: “{q.changeRequest}”</span>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {q.planDueAt ? formatDateTime(q.planDueAt, user.timeZone) : "—"} {q.overdue ? <span className="badge badge--danger">overdue</span> : null}
                  </td>
                  <td>
                    <Link to={`/planner/plan/${q.programId}`}>{q.status === "conclusion_due" ? "Book the conclusion session" : q.status === "awaiting_plan" ? "Propose dates" : "Revise dates"}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="calendar">
        <h2 id="calendar">Calendar of all therapists</h2>
        <Form method="get" className="inline-form">
          <input type="hidden" name="week" value={data.week} />
          <SelectField
            name="therapist"
            label="Therapist"
            defaultValue={data.therapistId}
            options={[{ value: "", label: "All therapists" }, ...data.therapists.map((t) => ({ value: t.id, label: t.name }))]}
          />
          <button type="submit" className="button button--secondary">
            Show
          </button>
        </Form>
        <p>
          Week from {formatDayHeading(data.firstDay)} ({user.timeZone}) · <Link to={`?week=${data.week - 1}&therapist=${data.therapistId}`}>Previous week</Link> ·{" "}
          <Link to={`?week=${data.week + 1}&therapist=${data.therapistId}`}>Next week</Link>
          {data.week !== 0 ? (
            <>
              {" "}
              · <Link to={`?therapist=${data.therapistId}`}>This week</Link>
            </>
          ) : null}
        </p>
        {days.length === 0 ? <p className="muted">No session this week.</p> : null}
        {days.map((d) => (
          <div key={d}>
            <h3>{formatDayHeading(d)}</h3>
            <ul className="plain-list">
              {data.calendar
                .filter((s) => s.date === d)
                .map((s) => (
                  <li key={s.id}>
                    <strong>
                      {formatTime(s.startsAt, user.timeZone)}–{formatTime(s.endsAt, user.timeZone)}
                    </strong>{" "}
                    {s.therapistName} with {s.patientName} · {kindLabel(s.kind, s.startsAt, s.endsAt)}
                    {s.sequence ? ` ${s.sequence}` : ""}
                    {s.status === "completed" ? " · done" : ""}
                  </li>
                ))}
            </ul>
          </div>
        ))}
        <p>
          Working hours: {data.therapists.map((t, i) => (
            <span key={t.id}>
              {i > 0 ? ", " : ""}
              <Link to={`/therapist/availability?therapist=${t.id}`}>{t.name}</Link>
            </span>
          ))}
        </p>
      </section>

      <section className="card" aria-labelledby="unpaid">
        <h2 id="unpaid">Unpaid invoices</h2>
        {data.unpaid.length === 0 ? <p className="muted">Every invoice is paid.</p> : null}
        {data.unpaid.map((i) => {
          const errors = errorsFor("pay", i.id);
          return (
            <details key={i.id} className="record" open={Object.keys(errors).length > 0} data-testid="unpaid-invoice">
              <summary>
                {i.patientName} · {i.label} · {i.amount}
                {i.partlyPaid ? ` · still to pay ${i.balance}` : ""}
                {i.dueAt ? ` · due ${formatDateTime(i.dueAt, user.timeZone)}` : ""} {i.overdue ? <span className="badge badge--danger">overdue</span> : null}
              </summary>
              <Form method="post" noValidate className="record__form">
                <input type="hidden" name="intent" value="pay" />
                <input type="hidden" name="invoiceId" value={i.id} />
                <Field name="amount" id={`amount-${i.id}`} label="Amount received (EUR)" inputMode="decimal" defaultValue={(i.balanceCents / 100).toFixed(2)} error={errors.amount} />
                <Field name="paidOn" id={`paidOn-${i.id}`} label="Received on" type="date" defaultValue={data.today} max={data.today} error={errors.paidOn} />
                <Field name="reference" id={`reference-${i.id}`} label="Bank reference" error={errors.reference} />
                <button type="submit" className="button" disabled={busy}>
                  Record bank transfer
                </button>
              </Form>
            </details>
          );
        })}
      </section>

      <section className="card" aria-labelledby="packages">
        <h2 id="packages">Welcome packages to ship</h2>
        {data.packages.length === 0 ? <p className="muted">Every package is shipped.</p> : null}
        {data.packages.map((p) => {
          const errors = errorsFor("ship", p.programId);
          return (
            <details key={p.programId} className="record" open={Object.keys(errors).length > 0} data-testid="package-to-ship">
              <summary>
                {p.patientName}
                {p.country ? ` · ${p.country}` : ""} · enrolled {formatDateTime(p.enrolledAt, user.timeZone)}
              </summary>
              {p.addressLines ? (
                <p>
                  <span className="clinic-contact__address" data-testid="shipping-address">
                    {p.addressLines.join("\n")}
                  </span>{" "}
                  · <Link to={`/planner/label/${p.programId}`}>Print the label</Link>
                </p>
              ) : (
                <p className="muted">No postal address yet: the patient is asked for it on their page.</p>
              )}
              <Form method="post" noValidate className="record__form">
                <input type="hidden" name="intent" value="ship" />
                <input type="hidden" name="programId" value={p.programId} />
                <Field name="shippedOn" id={`shippedOn-${p.programId}`} label="Shipped on" type="date" defaultValue={data.today} max={data.today} error={errors.shippedOn} />
                <Field name="carrier" id={`carrier-${p.programId}`} label="Carrier" error={errors.carrier} />
                <Field name="trackingNumber" id={`tracking-${p.programId}`} label="Tracking number" error={errors.trackingNumber} />
                <button type="submit" className="button" disabled={busy}>
                  Record shipment
                </button>
              </Form>
            </details>
          );
        })}
      </section>
      <section className="card" aria-labelledby="attendance-title">
        <h2 id="attendance-title">Attendance of recent sessions</h2>
        {data.attendance.length === 0 ? (
          <p className="muted">No session held in the last two weeks.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Therapist</th>
                <th scope="col">Patient</th>
                <th scope="col">Actual duration</th>
              </tr>
            </thead>
            <tbody>
              {data.attendance.map((a) => (
                <tr key={a.id}>
                  <td>{formatDateTime(a.startsAt, user.timeZone)}</td>
                  <td>{a.therapistName}</td>
                  <td>{a.patientName}</td>
                  <td>{a.actualMinutes === null ? "—" : `${a.actualMinutes} min`}{a.ended ? "" : " (in progress)"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
