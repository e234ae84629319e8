import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DateTime } from "luxon";
import { useEffect, useRef, useState } from "react";
import { rolesAccess } from "../../server/access/access";
import { DIARY_BODY_MAX_CHARS, DIARY_RATINGS } from "../../server/domain/diary/diary-rules";
import { createDiaryEntry, loadDiaryDraft, myFaceConsent } from "../../server/services/diary";
import { FormError } from "../components/field";
import { actorOf } from "../components/journey.server";
import { formFields } from "../components/form-data.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "New diary entry · Facial palsy rehabilitation" }];

/** How long after the last keystroke the draft is saved to the server (it goes to this browser at once). */
const DRAFT_SAVE_DELAY_MS = 800;
const LOCAL_KEY = "diary-draft";

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const [draft, consent] = await Promise.all([loadDiaryDraft(context.services, actor), myFaceConsent(context.services, actor)]);
  const today = DateTime.fromJSDate(context.services.now(), { zone: context.session!.user.timeZone }).toISODate()!;
  return { draft, today, hasConsent: Boolean(consent.landmarks) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const result = await createDiaryEntry(context.services, actorOf(context), fields);
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError };
  const next = fields.next === "snapshot" ? `/diary/capture?entry=${result.value.entryId}` : `/diary/entries/${result.value.entryId}?saved=1`;
  return redirect(next);
}

interface DraftState {
  entryDate: string;
  body: string;
  ratings: Record<string, string>;
  savedAt: string;
}

export default function NewDiaryEntry() {
  const { draft: serverDraft, today, hasConsent } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = data?.fieldErrors ?? {};
  const initial: DraftState = {
    entryDate: serverDraft?.content.entryDate || today,
    body: serverDraft?.content.body ?? "",
    ratings: Object.fromEntries(Object.entries(serverDraft?.content.ratings ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)])),
    savedAt: serverDraft?.updatedAt ?? "",
  };
  const [draft, setDraft] = useState<DraftState>(initial);
  const [status, setStatus] = useState<string>(serverDraft ? "Your unfinished entry was restored." : "");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const dirty = useRef(false);

  // A newer copy in this browser (typed while offline) wins over the server's.
  useEffect(() => {
    try {
      const local = JSON.parse(localStorage.getItem(LOCAL_KEY) ?? "null") as DraftState | null;
      if (local && (!serverDraft || local.savedAt > serverDraft.updatedAt)) {
        setDraft(local);
        setStatus("Your unfinished entry was restored.");
      }
    } catch {
      /* no local draft */
    }
  }, []);

  useEffect(() => {
    if (!dirty.current) return;
    try {
      localStorage.setItem(LOCAL_KEY, JSON.stringify(draft));
    } catch {
      /* storage full or disabled: the server copy still works */
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      try {
        const response = await fetch("/api/diary/draft", {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ entryDate: draft.entryDate, body: draft.body, ratings: draft.ratings, savedAt: draft.savedAt }),
        });
        setStatus(response.ok ? "Draft saved." : "Draft kept in this browser; it will be saved when the connection is back.");
      } catch {
        setStatus("Draft kept in this browser; it will be saved when the connection is back.");
      }
    }, DRAFT_SAVE_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [draft]);

  const update = (patch: Partial<DraftState>) => {
    dirty.current = true;
    setDraft((d) => ({ ...d, ...patch, savedAt: new Date().toISOString() }));
  };

  return (
    <>
      <h1>New diary entry</h1>
      <p className="lead">Take your time. What you write is kept as you type, so nothing is lost if the page reloads.</p>
      <FormError message={data?.formError} />
      <Form method="post" noValidate className="card diary-form" onSubmit={() => localStorage.removeItem(LOCAL_KEY)}>
        <div className="field">
          <label htmlFor="entryDate">Date</label>
          <input id="entryDate" name="entryDate" type="date" max={today} value={draft.entryDate} onChange={(e) => update({ entryDate: e.target.value })} aria-invalid={errors.entryDate ? true : undefined} aria-describedby={errors.entryDate ? "entryDate-error" : undefined} />
          {errors.entryDate ? <span className="field-error" id="entryDate-error" role="alert">{errors.entryDate}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="body">What changed, what was hard</label>
          <span className="hint" id="body-hint">
            Observations of your face, achievements, doubts, challenges.
          </span>
          <textarea id="body" name="body" rows={8} maxLength={DIARY_BODY_MAX_CHARS} value={draft.body} onChange={(e) => update({ body: e.target.value })} aria-invalid={errors.body ? true : undefined} aria-describedby={errors.body ? "body-hint body-error" : "body-hint"} />
          {errors.body ? <span className="field-error" id="body-error" role="alert">{errors.body}</span> : null}
        </div>
        <fieldset className="ratings">
          <legend>How was it in the last weeks? (0 to 10, leave empty to skip)</legend>
          {DIARY_RATINGS.map((r) => (
            <div className="field rating" key={r.key}>
              <label htmlFor={`rating-${r.key}`}>{r.label}</label>
              <div className="rating__scale">
                <span aria-hidden="true">0 = {r.low}</span>
                <input
                  id={`rating-${r.key}`}
                  name={r.key}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={10}
                  step={1}
                  value={draft.ratings[r.key] ?? ""}
                  onChange={(e) => update({ ratings: { ...draft.ratings, [r.key]: e.target.value } })}
                  aria-describedby={`rating-${r.key}-ends${errors[r.key] ? ` rating-${r.key}-error` : ""}`}
                  aria-invalid={errors[r.key] ? true : undefined}
                />
                <span aria-hidden="true">10 = {r.high}</span>
              </div>
              <span className="visually-hidden" id={`rating-${r.key}-ends`}>
                0 means {r.low}, 10 means {r.high}
              </span>
              {errors[r.key] ? <span className="field-error" id={`rating-${r.key}-error`} role="alert">{errors[r.key]}</span> : null}
            </div>
          ))}
        </fieldset>
        <p role="status" className="muted small" aria-live="polite">
          {status}
        </p>
        <div className="button-row">
          <button type="submit" className="button" name="next" value="entry" disabled={busy}>
            Save entry
          </button>
          <button type="submit" className="button button--secondary" name="next" value="snapshot" disabled={busy}>
            {hasConsent ? "Save and add a face snapshot" : "Save and add a face snapshot (asks your consent first)"}
          </button>
        </div>
      </Form>
    </>
  );
}
