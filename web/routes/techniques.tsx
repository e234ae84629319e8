import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { type FormEvent, useState } from "react";
import { rolesAccess } from "../../server/access/access";
import { DomainError } from "../../server/domain/domain-error";
import { archiveTechnique, createTechnique, listTechniques } from "../../server/services/homework/catalogue";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";
import { dosageText } from "../components/homework/dosage-text";

export const handle = { access: rolesAccess("admin", "therapist") };
export const meta: MetaFunction = () => [{ title: "Technique catalogue · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { id, role } = context.session!.user;
  return { techniques: await listTechniques(context.services, { userId: id, role }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { id, role } = context.session!.user;
  const fields = await formFields(request);
  if (fields.intent === "archive") {
    try {
      await archiveTechnique(context.services, { userId: id, role }, fields.techniqueId ?? "");
      return { ok: true as const, message: "The technique was removed from the catalogue." };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false as const, formError: error.message, fieldErrors: {} };
      throw error;
    }
  }
  const result = await createTechnique(context.services, { userId: id, role }, fields);
  if (!result.ok) return { ok: false as const, fieldErrors: result.fieldErrors, formError: "Please correct the fields marked below." };
  return { ok: true as const, message: "The technique was added. You can now add illustrations to it." };
}

export default function Techniques() {
  const { techniques } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = (data && !data.ok ? data.fieldErrors : {}) as Record<string, string>;
  return (
    <>
      <h1>Technique catalogue</h1>
      {data?.ok ? (
        <p className="alert alert--ok" role="status">
          {data.message}
        </p>
      ) : null}
      <section className="card" aria-labelledby="new-technique">
        <h2 id="new-technique">Add a technique</h2>
        <FormError message={data && !data.ok ? data.formError : undefined} />
        <Form method="post" noValidate>
          <Field name="name" label="Name" error={errors.name} required maxLength={120} />
          <div className="field">
            <label htmlFor="description">How to do it</label>
            <textarea id="description" name="description" rows={4} maxLength={4000} aria-invalid={errors.description ? true : undefined} aria-describedby={errors.description ? "description-error" : undefined} />
            {errors.description ? (
              <span className="field-error" id="description-error" role="alert">
                {errors.description}
              </span>
            ) : null}
          </div>
          <div className="homework-form__dosage">
            <Field name="repetitions" label="Repetitions" type="number" defaultValue={10} error={errors.repetitions} />
            <Field name="sets" label="Sets" type="number" defaultValue={2} error={errors.sets} />
            <Field name="timesPerDay" label="Times a day" type="number" defaultValue={2} error={errors.timesPerDay} />
            <Field name="minutes" label="Minutes" type="number" defaultValue={5} error={errors.minutes} />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Add the technique
          </button>
        </Form>
      </section>
      {techniques.map((t) => (
        <section key={t.id} className="card technique" aria-labelledby={`t-${t.id}`}>
          <h2 id={`t-${t.id}`}>{t.name}</h2>
          <p className="homework-dosage">Default dosage: {dosageText(t.dosage)}</p>
          <p>{t.description}</p>
          <div className="homework-list__images">
            {t.illustrations.map((i) => (
              <img key={i.id} src={`/api/illustrations/${i.id}`} alt={`Illustration: ${t.name}`} width={240} height={195} loading="lazy" />
            ))}
          </div>
          <IllustrationUpload techniqueId={t.id} name={t.name} />
          <Form method="post" className="inline-form inline-form--text">
            <input type="hidden" name="intent" value="archive" />
            <input type="hidden" name="techniqueId" value={t.id} />
            <button type="submit" className="button button--small button--secondary">
              Remove from the catalogue
            </button>
          </Form>
        </section>
      ))}
    </>
  );
}

/** Uploads go to the API (the server checks size and real type); the page refreshes on success. */
function IllustrationUpload({ techniqueId, name }: { techniqueId: string; name: string }) {
  const revalidator = useRevalidator();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const response = await fetch(`/api/techniques/${techniqueId}/illustrations`, { method: "POST", body: form, credentials: "same-origin" });
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    if (response.ok) {
      setMessage({ ok: true, text: "Illustration added." });
      event.currentTarget?.reset();
      revalidator.revalidate();
    } else setMessage({ ok: false, text: body.message ?? "The image could not be uploaded." });
  };
  const inputId = `file-${techniqueId}`;
  return (
    <form className="upload-form" onSubmit={(e) => void onSubmit(e)}>
      <div className="field">
        <label htmlFor={inputId}>Add an illustration to “{name}” (PNG, JPEG or WebP, up to 5 MB)</label>
        <input id={inputId} name="file" type="file" accept="image/png,image/jpeg,image/webp" required />
      </div>
      <input type="hidden" name="caption" value={name} />
      <button type="submit" className="button button--small">
        Upload
      </button>
      {message ? (
        <p className={message.ok ? "alert alert--ok" : "alert alert--error"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
