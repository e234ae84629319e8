import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { guestAccess } from "../../server/access/access";
import { registerPatient } from "../../server/services/accounts";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: guestAccess };
export const meta: MetaFunction = () => [{ title: "Register · Facial palsy rehabilitation" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const result = await registerPatient(context.services, fields, context.clientIp);
  if (!result.ok) return { done: false as const, fieldErrors: result.fieldErrors, formError: result.formError, values: { name: fields.name ?? "", email: fields.email ?? "" } };
  return { done: true as const, email: String(fields.email ?? "").trim().toLowerCase() };
}

export default function Register() {
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  // The browser knows the patient's zone; the server validates it.
  const [timeZone, setTimeZone] = useState("UTC");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"), []);

  if (data?.done) {
    return (
      <div className="narrow">
        <h1>Check your e-mail</h1>
        <div className="alert alert--ok" role="status">
          We sent a confirmation link to <strong>{data.email}</strong>. Open it to activate your account. It is valid for 24 hours.
        </div>
        <p className="muted">Nothing arrived after a few minutes? Look in the spam folder, or try to log in: we will send a new link.</p>
      </div>
    );
  }
  const errors = data?.fieldErrors ?? {};
  return (
    <div className="narrow">
      <h1>Create your account</h1>
      <p className="lead">Registration is free. Next you tell us about your palsy and book a consultation.</p>
      <FormError message={data?.formError} />
      <Form method="post" className="card" noValidate>
        <Field name="name" label="Your name" autoComplete="name" required defaultValue={data?.values.name} error={errors.name} />
        <Field name="email" label="E-mail" type="email" autoComplete="email" required defaultValue={data?.values.email} error={errors.email} />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          hint="At least 12 characters. A short sentence is easy to remember."
          error={errors.password}
        />
        <input type="hidden" name="timeZone" value={timeZone} />
        {errors.timeZone ? <p className="field-error">{errors.timeZone}</p> : null}
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
        <p>
          Already registered? <Link to="/login">Log in</Link>
        </p>
      </Form>
    </div>
  );
}
