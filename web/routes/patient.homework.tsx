import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { deletePractice, getReminder, listMyHomework, logPractice, myAdherence, saveReminder } from "../../server/services/homework/homework";
import { formatDateTime } from "../components/format-time";
import { AdherenceChart, AdherenceFigures } from "../components/homework/adherence-chart";
import { DosageText } from "../components/homework/dosage-text";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My homework · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { id, role, timeZone } = context.session!.user;
  const user = { userId: id, role, timeZone, ip: context.clientIp };
  const [homework, adherence, reminder] = await Promise.all([listMyHomework(context.services, user), myAdherence(context.services, user), getReminder(context.services, user)]);
  return {
    timeZone,
    homework: homework.map((h) => ({ ...h, startsAt: h.startsAt.toISOString() })),
    adherence: adherence.summary,
    recent: adherence.recent.map((p) => ({ id: p.id, practisedAt: p.practisedAt.toISOString(), minutes: p.minutes })),
    reminder,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { id, role, timeZone } = context.session!.user;
  const user = { userId: id, role, timeZone, ip: context.clientIp };
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "reminder") {
    const result = await saveReminder(context.services, user, { enabled: String(form.get("enabled") ?? ""), localTime: String(form.get("localTime") ?? "") });
    return result.ok ? { intent, saved: "Your reminder setting is saved." } : { intent, fieldErrors: result.fieldErrors };
  }
  if (intent === "delete-practice") {
    await deletePractice(context.services, user, String(form.get("practiceId") ?? "")).catch(() => undefined);
    return { intent, saved: "The practice was removed." };
  }
  const result = await logPractice(context.services, user, {
    minutes: form.get("minutes") ?? "15",
    practisedAtLocal: String(form.get("practisedAtLocal") ?? ""),
    sessionId: String(form.get("sessionId") ?? ""),
    itemIds: form.getAll("itemIds").map(String),
  });
  return result.ok ? { intent: "practice", saved: "Well done — your practice is logged." } : { intent: "practice", fieldErrors: result.fieldErrors };
}

export default function PatientHomework() {
  const { homework, adherence, recent, reminder, timeZone } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as { intent?: string; saved?: string; fieldErrors?: Record<string, string> } | undefined;
  const busy = useNavigation().state === "submitting";
  const [current, ...history] = homework;
  const errors = data?.fieldErrors ?? {};
  return (
    <>
      <h1>My homework</h1>
      {data?.saved ? (
        <p className="alert alert--ok" role="status">
          {data.saved}
        </p>
      ) : null}
      <div className="grid">
        <section className="card" aria-labelledby="log-title">
          <h2 id="log-title">Log a practice</h2>
          <p>The aim: twice a day, 15 to 20 minutes each time.</p>
          <AdherenceFigures summary={adherence} />
          <Form method="post" className="practice-form">
            <input type="hidden" name="intent" value="practice" />
            {current ? <input type="hidden" name="sessionId" value={current.sessionId} /> : null}
            {current ? (
              <fieldset>
                <legend>Techniques practised</legend>
                {current.items.map((item) => (
                  <label key={item.id} className="check">
                    <input type="checkbox" name="itemIds" value={item.id} defaultChecked /> {item.title}
                  </label>
                ))}
              </fieldset>
            ) : null}
            <div className="field">
              <label htmlFor="minutes">Minutes</label>
              <input id="minutes" name="minutes" type="number" min={1} max={180} defaultValue={15} inputMode="numeric" aria-invalid={errors.minutes ? true : undefined} aria-describedby={errors.minutes ? "minutes-error" : undefined} />
              {errors.minutes ? (
                <span className="field-error" id="minutes-error" role="alert">
                  {errors.minutes}
                </span>
              ) : null}
            </div>
            <details>
              <summary>I practised earlier</summary>
              <div className="field">
                <label htmlFor="practisedAtLocal">When ({timeZone})</label>
                <input id="practisedAtLocal" name="practisedAtLocal" type="datetime-local" aria-invalid={errors.practisedAtLocal ? true : undefined} aria-describedby={errors.practisedAtLocal ? "practisedAtLocal-error" : undefined} />
                {errors.practisedAtLocal ? (
                  <span className="field-error" id="practisedAtLocal-error" role="alert">
                    {errors.practisedAtLocal}
                  </span>
                ) : null}
              </div>
            </details>
            <button type="submit" className="button button--large" disabled={busy}>
              Done — log this practice
            </button>
          </Form>
        </section>
        <section className="card" aria-labelledby="week-title">
          <h2 id="week-title">My last four weeks</h2>
          <AdherenceChart summary={adherence} label="My practices per day" />
          {recent.length > 0 ? (
            <>
              <h3>Latest practices</h3>
              <ul className="practice-list">
                {recent.map((p) => (
                  <li key={p.id}>
                    {formatDateTime(p.practisedAt, timeZone)} · {p.minutes} min
                    <Form method="post" className="inline-form inline-form--text">
                      <input type="hidden" name="intent" value="delete-practice" />
                      <input type="hidden" name="practiceId" value={p.id} />
                      <button type="submit" className="button button--small button--secondary" aria-label={`Remove the practice of ${formatDateTime(p.practisedAt, timeZone)}`}>
                        Remove
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>
      <section className="card" aria-labelledby="current-title">
        <h2 id="current-title">Current homework</h2>
        {current ? (
          <>
            <p className="muted">
              From the session of {formatDateTime(current.startsAt, timeZone)} with {current.therapistName}.{" "}
              <a href={`/api/sessions/${current.sessionId}/homework-pdf`} download>
                Download the printable sheet (PDF)
              </a>
            </p>
            <HomeworkList items={current.items} />
          </>
        ) : (
          <p className="muted">Your homework appears here after your first program session.</p>
        )}
      </section>
      {history.length > 0 ? (
        <section className="card" aria-labelledby="history-title">
          <h2 id="history-title">Earlier homework</h2>
          {history.map((h) => (
            <details key={h.sessionId}>
              <summary>
                Session of {formatDateTime(h.startsAt, timeZone)} ({h.items.length} technique{h.items.length === 1 ? "" : "s"})
              </summary>
              <p>
                <a href={`/api/sessions/${h.sessionId}/homework-pdf`} download>
                  Printable sheet (PDF)
                </a>
              </p>
              <HomeworkList items={h.items} />
            </details>
          ))}
        </section>
      ) : null}
      <section className="card" aria-labelledby="reminder-title">
        <h2 id="reminder-title">Daily reminder</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="reminder" />
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={reminder.enabled} /> E-mail me when no practice is logged by this time
          </label>
          <div className="field">
            <label htmlFor="localTime">Time ({timeZone})</label>
            <input id="localTime" name="localTime" type="time" defaultValue={reminder.localTime} aria-invalid={data?.intent === "reminder" && errors.localTime ? true : undefined} />
            {data?.intent === "reminder" && errors.localTime ? (
              <span className="field-error" role="alert">
                {errors.localTime}
              </span>
            ) : null}
          </div>
          <button type="submit" className="button button--secondary" disabled={busy}>
            Save reminder
          </button>
        </Form>
      </section>
    </>
  );
}

function HomeworkList({ items }: { items: { id: string; title: string; notes: string; description: string; illustrationIds: string[]; repetitions: number; sets: number; timesPerDay: number; minutes: number }[] }) {
  return (
    <ol className="homework-list">
      {items.map((item) => (
        <li key={item.id} className="homework-list__item">
          <h3 className="homework-list__title">{item.title}</h3>
          <DosageText item={item} />
          {item.description ? <p>{item.description}</p> : null}
          {item.notes ? <p className="homework-list__notes">{item.notes}</p> : null}
          {item.illustrationIds.length > 0 ? (
            <div className="homework-list__images">
              {item.illustrationIds.map((id) => (
                <img key={id} src={`/api/illustrations/${id}`} alt={`Illustration: ${item.title}`} loading="lazy" width={240} height={195} />
              ))}
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
