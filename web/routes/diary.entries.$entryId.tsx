import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { getDiaryEntry, myFaceConsent, replyToDiaryEntry } from "../../server/services/diary";
import { actorOf, answering } from "../components/journey.server";
import { EntryCard } from "../components/diary/entry-card";
import { formFields } from "../components/form-data.server";

// Record-level check in the service: the patient, or one of their therapists.
export const handle = { access: rolesAccess("patient", "therapist") };
export const meta: MetaFunction = () => [{ title: "Diary entry · Facial palsy rehabilitation" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const { entry, viewer, patientId } = await answering(() => getDiaryEntry(context.services, actor, params.entryId ?? ""));
  const consent = viewer === "patient" ? await myFaceConsent(context.services, actor) : null;
  return { entry, viewer, patientId, timeZone: context.session!.user.timeZone, hasConsent: Boolean(consent?.landmarks) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const result = await answering(() => replyToDiaryEntry(context.services, actorOf(context), { entryId: params.entryId, body: fields.body }));
  return result.ok ? { ok: true as const, fieldErrors: {} as Record<string, string> } : { ok: false as const, fieldErrors: result.fieldErrors };
}

export default function DiaryEntryPage() {
  const { entry, viewer, patientId, timeZone } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const back = viewer === "patient" ? "/diary" : `/therapist/patients/${patientId}/diary`;
  return (
    <>
      <h1>Diary entry</h1>
      {params.get("saved") ? (
        <p className="alert alert--ok" role="status">
          Your entry is saved.
        </p>
      ) : null}
      {params.get("snapshot") === "saved" ? (
        <p className="alert alert--ok" role="status">
          Your face snapshot is saved.
        </p>
      ) : null}
      <EntryCard entry={entry} timeZone={timeZone} />
      {viewer === "patient" && !entry.snapshot ? (
        <p>
          <Link to={`/diary/capture?entry=${entry.id}`}>Add a face snapshot to this entry</Link>
        </p>
      ) : null}
      {entry.snapshot ? (
        <p>
          <Link to={viewer === "patient" ? "/diary/trend" : `/therapist/patients/${patientId}/diary#trend`}>See the trend</Link> ·{" "}
          <Link to={`/diary/compare?a=${entry.snapshot.id}&b=${entry.snapshot.id}`}>See the face points</Link>
        </p>
      ) : null}
      {viewer === "therapist" ? (
        <Form method="post" className="card" noValidate>
          <div className="field">
            <label htmlFor="reply-body">Your answer to the patient</label>
            <textarea id="reply-body" name="body" rows={5} aria-invalid={data?.fieldErrors.body ? true : undefined} aria-describedby={data?.fieldErrors.body ? "reply-error" : undefined} />
            {data?.fieldErrors.body ? (
              <span className="field-error" id="reply-error" role="alert">
                {data.fieldErrors.body}
              </span>
            ) : null}
          </div>
          <button type="submit" className="button" disabled={busy}>
            Send answer
          </button>
          {data?.ok ? <span role="status"> Answer sent.</span> : null}
        </Form>
      ) : null}
      <p>
        <Link to={back}>Back to the diary</Link>
      </p>
    </>
  );
}
