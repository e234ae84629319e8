import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { signedIn } from "../../server/access/access";
import { changePassword } from "../../server/services/accounts";
import { listDataExports, requestDataExport } from "../../server/services/data-rights";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: signedIn };
export const meta: MetaFunction = () => [{ title: "Your account · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const s = context.session!;
  const { name, email, role, timeZone } = s.user;
  const exports = role === "patient" ? await listDataExports(context.services, { userId: s.user.id, role, sessionId: s.sessionId, ip: context.clientIp }) : [];
  return {
    user: { name, email, role, timeZone },
    exports: exports.map((e) => ({ id: e.id, status: e.status, requestedAt: e.requestedAt.toISOString(), expiresAt: e.expiresAt?.toISOString() ?? null, sizeBytes: e.sizeBytes })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const s = context.session!;
  const actor = { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp, email: s.user.email, name: s.user.name };
  const fields = await formFields(request);
  if (fields.intent === "export") {
    await requestDataExport(context.services, actor);
    return json({ changed: false as const, exportRequested: true, fieldErrors: {} as Record<string, string>, formError: undefined });
  }
  const result = await changePassword(context.services, actor, fields, request.headers);
  if (!result.ok) return json({ changed: false as const, exportRequested: false, fieldErrors: result.fieldErrors, formError: result.formError }, { status: result.status });
  return json({ changed: true as const, exportRequested: false, fieldErrors: {} as Record<string, string>, formError: undefined }, { headers: result.headers });
}

export default function Account() {
  const { user, exports } = useLoaderData<typeof loader>();
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
          <input type="hidden" name="intent" value="password" />
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
      {user.role === "patient" ? (
        <section className="card" aria-labelledby="data-title">
          <h2 id="data-title">Your data</h2>
          <p>Download everything we keep about you — your answers, sessions, invoices, diary, snapshots and kept photos — as one archive (JSON and files). It takes a moment; we e-mail you when it is ready.</p>
          {data?.exportRequested ? (
            <div className="alert alert--ok" role="status">
              We are preparing your archive. Reload this page in a minute, or wait for our e-mail.
            </div>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="export" />
            <button type="submit" className="button button--secondary">
              Prepare my data for download
            </button>
          </Form>
          {exports.length ? (
            <ul className="plain-list">
              {exports.map((e) => (
                <li key={e.id}>
                  {new Date(e.requestedAt).toLocaleString()}:{" "}
                  {e.status === "ready" ? (
                    <a href={`/account/export/${e.id}`} download>
                      Download ({Math.ceil((e.sizeBytes ?? 0) / 1024)} kB)
                    </a>
                  ) : e.status === "pending" ? (
                    "being prepared…"
                  ) : (
                    "failed — please ask again"
                  )}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
