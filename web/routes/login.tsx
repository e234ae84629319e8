import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as withStatus, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { guestAccess, safeRedirectPath } from "../../server/access/access";
import { statusOf } from "../../server/domain/domain-error";
import { signIn } from "../../server/services/accounts";
import { DEMO_PASSWORD, DEMO_USERS } from "../../server/services/demo-clinic";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: guestAccess };
export const meta: MetaFunction = () => [{ title: "Log in · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  // Demo logins are shown only on a development install, never in production.
  const demo = context.services.env.APP_ENV === "development" ? { password: DEMO_PASSWORD, users: DEMO_USERS.map(({ email, role }) => ({ email, role })) } : null;
  return { demo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  const result = await signIn(context.services, fields, context.clientIp);
  if (!result.ok) return withStatus({ fieldErrors: result.fieldErrors, formError: result.formError, email: fields.email ?? "" }, { status: statusOf(result.code) });
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  if (result.value.secondStep) {
    return redirect(`/login/code${redirectTo ? `?redirectTo=${encodeURIComponent(safeRedirectPath(redirectTo))}` : ""}`, { headers: result.headers });
  }
  return redirect(safeRedirectPath(redirectTo, `/${result.value.role}`), { headers: result.headers });
}

export default function Login() {
  const { demo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow">
      <h1>Log in</h1>
      {params.get("verified") ? <div className="alert alert--ok">Your e-mail address is confirmed. You can log in now.</div> : null}
      {params.get("reset") ? <div className="alert alert--ok">Your password was changed. Log in with the new one.</div> : null}
      {params.get("signedOut") ? <div className="alert alert--info">You were logged out.</div> : null}
      <FormError message={actionData?.formError} />
      <Form method="post" className="card" noValidate>
        <Field name="email" label="E-mail" type="email" autoComplete="email" required defaultValue={actionData?.email} error={actionData?.fieldErrors.email} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required error={actionData?.fieldErrors.password} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <p>
          <Link to="/forgot-password">Forgot your password?</Link> · <Link to="/register">Create an account</Link>
        </p>
      </Form>
      {demo ? (
        <section className="card demo-logins" aria-labelledby="demo-title">
          <h2 id="demo-title">Demo logins (development only)</h2>
          <p>
            Password for all: <code>{demo.password}</code>
          </p>
          <ul>
            {demo.users.map((u) => (
              <li key={u.email}>
                {u.role}: <code>{u.email}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
