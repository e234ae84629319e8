import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { rolesAccess } from "../../server/access/access";
import { loadJourneySettings, updateJourneySettings } from "../../server/services/journey";
import { Field, FormError } from "../components/field";
import { TextAreaField } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("admin") };
export const meta: MetaFunction = () => [{ title: "Clinic settings · Facial palsy rehabilitation" }];

const TEXT_KEYS = ["clinicAddress", "clinicEmail", "clinicPhone", "clinicLegalDetails", "bankAccountHolder", "bankIban", "bankBic", "vatNote"] as const;

export async function loader({ context }: LoaderFunctionArgs) {
  const s = await loadJourneySettings(context.services.db);
  return { settings: { ...Object.fromEntries(TEXT_KEYS.map((k) => [k, s[k]])), paymentTermsDays: String(s.paymentTermsDays) } as Record<string, string> };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const input: Record<string, unknown> = Object.fromEntries(TEXT_KEYS.map((k) => [k, String(fields[k] ?? "")]));
  const days = String(fields.paymentTermsDays ?? "").trim();
  input.paymentTermsDays = /^\d+$/.test(days) ? Number(days) : days === "" ? undefined : Number.NaN;
  const result = await answering(() => updateJourneySettings(context.services, actorOf(context), input));
  if (!result.ok) return { ok: false as const, fieldErrors: result.fieldErrors, formError: result.formError, values: fields as Record<string, string> };
  return { ok: true as const };
}

export default function AdminSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = result && !result.ok ? result.fieldErrors : {};
  const values = result && !result.ok ? result.values : settings;
  const status = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The result is at the top of a long form: bring it, or the first wrong field, into view.
    if (result?.ok) status.current?.focus();
    else if (result) document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [result]);
  return (
    <div className="journey-page">
      <h1>Clinic settings</h1>
      {result?.ok ? (
        <div className="alert alert--ok" role="status" tabIndex={-1} ref={status}>
          Settings saved.
        </div>
      ) : null}
      <FormError message={result && !result.ok ? result.formError : undefined} />
      <Form method="post" noValidate>
        <fieldset className="card">
          <legend>How patients contact the clinic</legend>
          <p className="muted">Shown wherever a page or an e-mail tells the patient to contact the clinic.</p>
          <Field name="clinicEmail" label="E-mail" type="email" defaultValue={values.clinicEmail} error={errors.clinicEmail} />
          <Field name="clinicPhone" label="Phone" type="tel" defaultValue={values.clinicPhone} error={errors.clinicPhone} />
          <TextAreaField name="clinicAddress" label="Postal address" defaultValue={values.clinicAddress} error={errors.clinicAddress} />
        </fieldset>
        <fieldset className="card">
          <legend>Invoices and bank transfers</legend>
          <TextAreaField name="clinicLegalDetails" label="Legal details printed on invoices" hint="Company name, registration number, VAT number, registered address." defaultValue={values.clinicLegalDetails} error={errors.clinicLegalDetails} />
          <Field name="vatNote" label="VAT line" hint="For example: VAT exempt (medical care, Art. 39 VAT Act)." defaultValue={values.vatNote} error={errors.vatNote} />
          <Field name="bankAccountHolder" label="Account holder" defaultValue={values.bankAccountHolder} error={errors.bankAccountHolder} />
          <Field name="bankIban" label="IBAN" defaultValue={values.bankIban} error={errors.bankIban} autoComplete="off" />
          <Field name="bankBic" label="BIC" defaultValue={values.bankBic} error={errors.bankBic} autoComplete="off" />
          <Field name="paymentTermsDays" label="Payment terms (days)" hint="A consultation invoice is due this many days after it is issued." type="number" min={0} max={90} defaultValue={values.paymentTermsDays} error={errors.paymentTermsDays} />
        </fieldset>
        <button type="submit" className="button" disabled={busy}>
          Save the settings
        </button>
      </Form>
    </div>
  );
}
