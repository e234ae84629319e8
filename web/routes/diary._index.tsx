import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { DIARY_INTERVAL_DAYS } from "../../server/domain/diary/diary-rules";
import { getDiary, myFaceConsent, setDiaryInterval } from "../../server/services/diary";
import { actorOf, answering } from "../components/journey.server";
import { EntryCard } from "../components/diary/entry-card";
import { DueNotice } from "../components/diary/due-notice";
import { formFields } from "../components/form-data.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My diary · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const [diary, consent] = await Promise.all([answering(() => getDiary(context.services, actor, actor.userId)), myFaceConsent(context.services, actor)]);
  return {
    timeZone: context.session!.user.timeZone,
    entries: diary.entries,
    intervalDays: diary.status.intervalDays,
    dueAt: diary.status.due.dueAt?.toISOString() ?? null,
    overdue: diary.status.due.overdue,
    consent,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = actorOf(context);
  const fields = await formFields(request);
  const result = await answering(() => setDiaryInterval(context.services, actor, { ...fields, patientId: actor.userId }));
  return result.ok ? { saved: true as const, fieldErrors: {} as Record<string, string> } : { saved: false as const, fieldErrors: result.fieldErrors };
}

export default function DiaryHome() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>My face observation diary</h1>
      <p className="lead">Every few weeks, note what changed and what was hard. Your therapist reads it and can answer.</p>
      <div className="grid">
        <section className="card" aria-labelledby="due-title">
          <h2 id="due-title">Next entry</h2>
          <DueNotice dueAt={data.dueAt} overdue={data.overdue} timeZone={data.timeZone} />
          <p>
            <Link className="button" to="/diary/new">
              Write a new entry
            </Link>
          </p>
          <Form method="post" className="inline-form">
            <div className="field">
              <label htmlFor="intervalDays">Remind me every</label>
              <select id="intervalDays" name="intervalDays" defaultValue={String(data.intervalDays)} aria-invalid={result?.fieldErrors.intervalDays ? true : undefined}>
                {[7, 14, 21, 28, 35, 42].filter((d) => d >= DIARY_INTERVAL_DAYS.min && d <= DIARY_INTERVAL_DAYS.max).map((d) => (
                  <option key={d} value={d}>
                    {d / 7} week{d === 7 ? "" : "s"}
                  </option>
                ))}
              </select>
              {result?.fieldErrors.intervalDays ? <span className="field-error">{result.fieldErrors.intervalDays}</span> : null}
            </div>
            <button type="submit" className="button button--secondary">
              Save
            </button>
            {result?.saved ? <span role="status"> Saved.</span> : null}
          </Form>
        </section>
        <section className="card" aria-labelledby="face-title">
          <h2 id="face-title">Face snapshots</h2>
          {data.consent.landmarks ? (
            <>
              <p>You agreed to face measurements{data.consent.photos ? " and to keeping pictures" : " (no pictures are kept)"}.</p>
              <p>
                <Link to="/diary/capture">Take a face snapshot</Link> · <Link to="/diary/trend">See my trend</Link> · <Link to="/diary/consent">Consent and your data</Link>
              </p>
            </>
          ) : (
            <>
              <p>Optional: your browser can measure the symmetry of your face over time. Nothing happens without your consent.</p>
              <p>
                <Link to="/diary/consent">Read about it and decide</Link>
              </p>
            </>
          )}
        </section>
      </div>
      <h2>Entries</h2>
      {data.entries.length === 0 ? <p className="muted">No entry yet.</p> : null}
      {data.entries.map((e) => (
        <EntryCard key={e.id} entry={e} timeZone={data.timeZone} link={`/diary/entries/${e.id}`} />
      ))}
    </>
  );
}
