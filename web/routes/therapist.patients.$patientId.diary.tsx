import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { getDiary, getSymmetryTrend, setDiaryInterval } from "../../server/services/diary";
import { actorOf, answering } from "../components/journey.server";
import { DueNotice } from "../components/diary/due-notice";
import { EntryCard } from "../components/diary/entry-card";
import { TrendSection } from "../components/diary/trend-section";
import { formFields } from "../components/form-data.server";

export const handle = { access: rolesAccess("therapist") };
export const meta: MetaFunction = () => [{ title: "Patient diary · Facial palsy rehabilitation" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const patientId = params.patientId ?? "";
  const diary = await answering(() => getDiary(context.services, actor, patientId));
  const trend = await answering(() => getSymmetryTrend(context.services, actor, patientId));
  return {
    patient: diary.patient,
    entries: diary.entries,
    intervalDays: diary.status.intervalDays,
    dueAt: diary.status.due.dueAt?.toISOString() ?? null,
    overdue: diary.status.due.overdue,
    trend,
    timeZone: context.session!.user.timeZone,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const result = await answering(() => setDiaryInterval(context.services, actorOf(context), { ...fields, patientId: params.patientId }));
  return result.ok ? { saved: true } : { saved: false };
}

export default function PatientDiary() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Diary of {data.patient.name}</h1>
      <section className="card" aria-labelledby="due-title">
        <h2 id="due-title">Next entry</h2>
        <DueNotice dueAt={data.dueAt} overdue={data.overdue} timeZone={data.timeZone} />
        <Form method="post" className="inline-form">
          <div className="field">
            <label htmlFor="intervalDays">Diary due every</label>
            <select id="intervalDays" name="intervalDays" defaultValue={String(data.intervalDays)}>
              {[7, 14, 21, 28, 35, 42].map((d) => (
                <option key={d} value={d}>
                  {d / 7} week{d === 7 ? "" : "s"}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Save
          </button>
          {result?.saved ? <span role="status"> Saved.</span> : null}
        </Form>
      </section>
      <h2>Entries</h2>
      {data.entries.length === 0 ? <p className="muted">No entry yet.</p> : null}
      {data.entries.map((e) => (
        <EntryCard key={e.id} entry={e} timeZone={data.timeZone} link={`/diary/entries/${e.id}`} />
      ))}
      <h2 id="trend">Symmetry trend</h2>
      <TrendSection trend={data.trend} timeZone={data.timeZone} />
    </>
  );
}
