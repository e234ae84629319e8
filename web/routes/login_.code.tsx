import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { guestAccess, safeRedirectPath } from "../../server/access/access";
import { demoStaffCode } from "../../server/services/demo-clinic";
import { completeTwoFactorSignIn } from "../../server/services/two-factor";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: guestAccess };
export const meta: MetaFunction = () => [{ title: "Enter your code · Facial palsy rehabilitation" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Without the password step's cookie there is nothing to complete (it lasts a few minutes).
  const pending = /(^|;\s*)(__Host-|__Secure-)?better-auth\.two_factor=[^;]/.test(request.headers.get("cookie") ?? "");
  if (!pending) return { demoCode: null, expired: true };
  // The demo clinic's staff share one authenticator secret; the current code is shown only on a development install.
  const demoCode = context.services.env.APP_ENV === "development" ? await demoStaffCode(context.services) : null;
  return { demoCode, expired: false };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const result = await completeTwoFactorSignIn(context.services, request.headers, fields, context.clientIp);
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError, expired: result.code === "UNAUTHENTICATED" };
  const to = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), `/${result.value.role}`);
  return redirect(to, { headers: result.headers });
}

export default function LoginCode() {
  const { demoCode, expired } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (expired && !data) {
    return (
      <div className="narrow">
        <h1>Enter your code</h1>
        <p className="alert alert--info">First log in with your e-mail and password; then this page asks for your code.</p>
        <p>
          <Link to="/login">Log in</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Enter your code</h1>
      <p>Open the authenticator app on your phone and type the 6-digit code it shows for this clinic. Lost your phone? Type one of your backup codes instead.</p>
      <FormError message={data?.formError} />
      {data?.expired ? (
        <p>
          <Link to="/login">Log in again</Link>
        </p>
      ) : null}
      <Form method="post" className="card" noValidate>
        <Field name="code" label="Code" inputMode="numeric" autoComplete="one-time-code" autoFocus required maxLength={12} error={data?.fieldErrors.code} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Checking…" : "Continue"}
        </button>
      </Form>
      {demoCode ? (
        <p className="card demo-logins">
          Demo staff code (development only): <code>{demoCode}</code>
        </p>
      ) : null}
    </div>
  );
}
