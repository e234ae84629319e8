import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { signedIn } from "../../server/access/access";
import { changePassword } from "../../server/services/accounts";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: signedIn };
export const meta: MetaFunction = () => [{ title: "Your account · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { name, email, role, timeZone } = context.session!.user;
  return { user: { name, email, role, timeZone } };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const s = context.session!;
  const actor = { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp, email: s.user.email, name: s.user.name };
  const result = await changePassword(context.services, actor, await formFields(request), request.headers);
  if (!result.ok) return json({ changed: false as const, fieldErrors: result.fieldErrors, formError: result.formError }, { status: result.status });
  return json({ changed: true as const, fieldErrors: {} as Record<string, string>, formError: undefined }, { headers: result.headers });
}

export default function Account() {
  const { user } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = data?.fieldErrors ?? {};
  return (
    <div className="narrow">
      <h1>Your account</h1>
      <dl className="card">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Time zone</dt>
        <dd>{user.timeZone}</dd>
      </dl>
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Change your password</h2>
        {data?.changed ? (
          <div className="alert alert--ok" role="status">
            Your password was changed. You were logged out on every other device.
          </div>
        ) : null}
        <FormError message={data?.formError} />
        <Form method="post" noValidate>
          <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required error={errors.currentPassword} />
          <Field name="password" label="New password" type="password" autoComplete="new-password" required hint="At least 12 characters; not a common password." error={errors.password} />
          <Field name="confirm" label="The new password again" type="password" autoComplete="new-password" required error={errors.confirm} />
          <button type="submit" className="button" disabled={busy}>
            Change password
          </button>
        </Form>
        <p className="muted">
          Forgot it? <a href="/forgot-password">Get a link by e-mail</a>.
        </p>
      </section>
    </div>
  );
}
