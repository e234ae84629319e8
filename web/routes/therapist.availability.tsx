import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { listStaff } from "../../server/services/people";
import { addAvailabilityException, getAvailability, removeAvailabilityException, setWeeklyAvailability } from "../../server/services/journey";
import { Field, FormError } from "../components/field";
import { formatDateTime } from "../components/format-time";
import { ErrorText, formatIsoDate, SelectField, WEEKDAY_LABEL } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("therapist", "planner", "admin") };
export const meta: MetaFunction = () => [{ title: "Working hours · Facial palsy rehabilitation" }];

const WINDOWS_PER_DAY = 2;

/** Therapists edit their own hours; the planning desk chooses whose (`?therapist=`). */
async function whose(request: Request, context: LoaderFunctionArgs["context"]) {
  const actor = actorOf(context);
  const therapists = actor.role === "therapist" ? [{ id: actor.userId, name: context.session!.user.name }] : (await listStaff(context.services, actor)).filter((s) => s.role === "therapist").map((t) => ({ id: t.id, name: t.name }));
  const asked = new URL(request.url).searchParams.get("therapist");
  const therapist = therapists.find((t) => t.id === asked) ?? therapists[0];
  return { actor, therapists, therapist };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, therapists, therapist } = await whose(request, context);
  if (!therapist) return { therapists, therapist: null, availability: null, viewerTimeZone: context.session!.user.timeZone, timeZones: [] as string[] };
  const availability = await answering(() => getAvailability(context.services, actor, therapist.id));
  return { therapists, therapist, availability, viewerTimeZone: context.session!.user.timeZone, timeZones: Intl.supportedValuesOf("timeZone") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor, therapist } = await whose(request, context);
  if (!therapist) throw new Response("No therapist", { status: 404 });
  const fields = (await formObject(request)) as Record<string, string>;
  const services = context.services;
  if (fields.intent === "weekly") {
    // One row per filled window; remember which input each row came from to put errors back on it.
    const weekly: { weekday: number; start: string; end: string }[] = [];
    const inputOf: string[] = [];
    for (let day = 1; day <= 7; day++) {
      for (let w = 0; w < WINDOWS_PER_DAY; w++) {
        const start = (fields[`d${day}.${w}.start`] ?? "").trim();
        const end = (fields[`d${day}.${w}.end`] ?? "").trim();
        if (!start && !end) continue;
        weekly.push({ weekday: day, start, end });
        inputOf.push(`d${day}.${w}`);
      }
    }
    const result = await answering(() =>
      setWeeklyAvailability(services, actor, therapist.id, { timeZone: fields.timeZone, offersConsultations: fields.offersConsultations === "on", weekly }),
    );
    if (!result.ok) {
      const fieldErrors: Record<string, string> = {};
      for (const [key, message] of Object.entries(result.fieldErrors)) {
        const m = /^weekly\.(\d+)\.(start|end|weekday)$/.exec(key);
        fieldErrors[m ? `${inputOf[Number(m[1])]}.${m[2] === "weekday" ? "start" : m[2]}` : key] = message;
      }
      return { intent: "weekly", fieldErrors, formError: result.formError ?? "Please correct the hours marked below. Nothing was saved.", done: null, conflicts: [] };
    }
    return { intent: "weekly", fieldErrors: {}, formError: undefined, done: "Working hours saved.", conflicts: result.value.conflicts.map((c) => ({ sessionId: c.sessionId, startsAt: c.startsAt.toISOString() })) };
  }
  if (fields.intent === "add-exception") {
    const result = await answering(() => addAvailabilityException(services, actor, therapist.id, fields));
    if (!result.ok) return { intent: "exception", fieldErrors: result.fieldErrors, formError: result.formError, done: null, conflicts: [] };
    return { intent: "exception", fieldErrors: {}, formError: undefined, done: "Exception added.", conflicts: result.value.conflicts.map((c) => ({ sessionId: c.sessionId, startsAt: c.startsAt.toISOString() })) };
  }
  if (fields.intent === "remove-exception") {
    await answering(() => removeAvailabilityException(services, actor, therapist.id, fields.exceptionId ?? ""));
    return { intent: "exception", fieldErrors: {}, formError: undefined, done: "Exception removed.", conflicts: [] };
  }
  return { intent: "", fieldErrors: {}, formError: "Unknown action.", done: null, conflicts: [] };
}

export default function Availability() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (!data.therapist) return <p>No therapist works at the clinic yet.</p>;
  const a = data.availability;
  const weekErrors = (result?.intent === "weekly" ? result.fieldErrors : {}) as Record<string, string>;
  const exErrors = (result?.intent === "exception" ? result.fieldErrors : {}) as Record<string, string>;
  const windowsOf = (day: number) => (a?.weekly ?? []).filter((w) => w.weekday === day);
  const query = data.therapists.length > 1 ? `?therapist=${data.therapist.id}` : "";
  return (
    <div className="journey-page">
      <h1>Working hours of {data.therapist.name}</h1>
      {data.therapists.length > 1 ? (
        <Form method="get" className="inline-form">
          <SelectField name="therapist" label="Therapist" defaultValue={data.therapist.id} options={data.therapists.map((t) => ({ value: t.id, label: t.name }))} />
          <button type="submit" className="button button--secondary">
            Show
          </button>
        </Form>
      ) : null}
      <p className="lead">Patients can book consultations, and the planning desk plans sessions, only inside these hours. Times are on the therapist's own clock.</p>
      {result?.done ? (
        <div className="alert alert--ok" role="status">
          {result.done}
        </div>
      ) : null}
      {result?.conflicts && result.conflicts.length > 0 ? (
        <div className="alert alert--warn" role="status">
          These booked sessions are now outside the hours and were not moved:{" "}
          {result.conflicts.map((c, i) => (
            <span key={c.sessionId}>
              {i > 0 ? ", " : ""}
              <Link to={`/sessions/${c.sessionId}`}>{formatDateTime(c.startsAt, data.viewerTimeZone)}</Link>
            </span>
          ))}
          .
        </div>
      ) : null}
      <FormError message={result?.formError} />
      <section className="card" aria-labelledby="weekly-title">
        <h2 id="weekly-title">Weekly hours</h2>
        <Form method="post" action={`/therapist/availability${query}`} noValidate>
          <input type="hidden" name="intent" value="weekly" />
          <SelectField
            name="timeZone"
            label="Time zone of these hours"
            defaultValue={a?.timeZone ?? data.viewerTimeZone}
            error={weekErrors.timeZone}
            options={(data.timeZones.includes(a?.timeZone ?? data.viewerTimeZone) ? data.timeZones : [a?.timeZone ?? data.viewerTimeZone, ...data.timeZones]).map((z) => ({ value: z, label: z.replace(/_/g, " ") }))}
          />
          <label className="checkbox">
            <input type="checkbox" name="offersConsultations" defaultChecked={a?.offersConsultations ?? true} /> Offers consultations to new patients
          </label>
          <table className="hours">
            <thead>
              <tr>
                <th scope="col">Day</th>
                {Array.from({ length: WINDOWS_PER_DAY }, (_, w) => (
                  <th scope="col" key={w}>
                    {w === 0 ? "Hours" : "Second window (optional)"}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[1, 2, 3, 4, 5, 6, 7].map((day) => (
                <tr key={day}>
                  <th scope="row">{WEEKDAY_LABEL[day]}</th>
                  {Array.from({ length: WINDOWS_PER_DAY }, (_, w) => {
                    const existing = windowsOf(day)[w];
                    const key = `d${day}.${w}`;
                    return (
                      <td key={w}>
                        <span className="time-range">
                          <label className="visually-hidden" htmlFor={`${key}.start`}>
                            {WEEKDAY_LABEL[day]} {w === 0 ? "" : "second window "}from
                          </label>
                          <input id={`${key}.start`} name={`${key}.start`} type="time" defaultValue={existing?.start ?? ""} aria-invalid={weekErrors[`${key}.start`] ? true : undefined} aria-describedby={weekErrors[`${key}.start`] ? `${key}.start-error` : undefined} />
                          <span aria-hidden="true">–</span>
                          <label className="visually-hidden" htmlFor={`${key}.end`}>
                            {WEEKDAY_LABEL[day]} {w === 0 ? "" : "second window "}until
                          </label>
                          <input id={`${key}.end`} name={`${key}.end`} type="time" defaultValue={existing?.end ?? ""} aria-invalid={weekErrors[`${key}.end`] ? true : undefined} aria-describedby={weekErrors[`${key}.end`] ? `${key}.end-error` : undefined} />
                        </span>
                        <ErrorText id={`${key}.start`} error={weekErrors[`${key}.start`]} />
                        <ErrorText id={`${key}.end`} error={weekErrors[`${key}.end`]} />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Leave a day empty when not working.</p>
          <button type="submit" className="button" disabled={busy}>
            Save weekly hours
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="exceptions-title">
        <h2 id="exceptions-title">Holidays and extra hours</h2>
        {a && a.exceptions.length > 0 ? (
          <ul className="plain-list">
            {a.exceptions.map((e) => (
              <li key={e.id}>
                <Form method="post" action={`/therapist/availability${query}`} className="inline-form">
                  <span>
                    {formatIsoDate(e.date)}: {e.kind === "unavailable" ? "not available" : "extra hours"}
                    {e.start ? ` ${e.start}–${e.end}` : e.kind === "unavailable" ? " all day" : ""}
                    {e.note ? ` (${e.note})` : ""}
                  </span>
                  <input type="hidden" name="intent" value="remove-exception" />
                  <input type="hidden" name="exceptionId" value={e.id} />
                  <button type="submit" className="link-button" disabled={busy}>
                    Remove<span className="visually-hidden"> the exception of {formatIsoDate(e.date)}</span>
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No exception.</p>
        )}
        <h3>Add an exception</h3>
        <Form method="post" action={`/therapist/availability${query}`} noValidate>
          <input type="hidden" name="intent" value="add-exception" />
          <Field name="date" label="Date" type="date" error={exErrors.date} />
          <SelectField
            name="kind"
            label="Kind"
            error={exErrors.kind}
            options={[
              { value: "unavailable", label: "Not available (holiday, leave)" },
              { value: "extra", label: "Extra hours" },
            ]}
          />
          <Field name="start" label="From (leave empty for a whole day off)" type="time" error={exErrors.start} />
          <Field name="end" label="Until" type="time" error={exErrors.end} />
          <Field name="note" label="Note (optional)" error={exErrors.note} />
          <button type="submit" className="button" disabled={busy}>
            Add the exception
          </button>
        </Form>
      </section>
    </div>
  );
}
