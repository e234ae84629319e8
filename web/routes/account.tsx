import { formatDateTime } from "../components/format-time";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { signedIn } from "../../server/access/access";
import { changePassword } from "../../server/services/accounts";
import { listDataExports, requestDataExport } from "../../server/services/data-rights";
import { myConsentHistory, withdrawFaceConsent } from "../../server/services/diary/consent";
import { cancelErasure, erasureOverview, requestErasure } from "../../server/services/erasure";
import { DomainError, statusOf } from "../../server/domain/domain-error";
import { formatDate } from "../components/diary/format";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: signedIn };
export const meta: MetaFunction = () => [{ title: "Your account · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const s = context.session!;
  const { name, email, role, timeZone, twoFactorEnabled } = s.user;
  const actor = { userId: s.user.id, role, sessionId: s.sessionId, ip: context.clientIp };
  const patient = role === "patient";
  const [exports, consents, erasure] = patient
    ? await Promise.all([listDataExports(context.services, actor), myConsentHistory(context.services, actor), erasureOverview(context.services, actor)])
    : [[], [], null];
  return {
    user: { name, email, role, timeZone, twoFactorEnabled },
    exports: exports.map((e) => ({ id: e.id, status: e.status, requestedAt: e.requestedAt.toISOString(), expiresAt: e.expiresAt?.toISOString() ?? null, sizeBytes: e.sizeBytes })),
    consents: consents.map((c) => ({ id: c.id, scope: c.scope, textVersion: c.textVersion, grantedAt: c.grantedAt.toISOString(), withdrawnAt: c.withdrawnAt?.toISOString() ?? null })),
    erasure: erasure
      ? {
          erased: erasure.erased,
          retained: erasure.retained,
          open: erasure.open ? { status: erasure.open.status, requestedAt: erasure.open.requestedAt.toISOString() } : null,
          lastDeclined: erasure.lastDeclined ? { reason: erasure.lastDeclined.reason } : null,
        }
      : null,
  };
}

type ActionData = { done?: "password" | "export" | "withdrawn" | "erasure-requested" | "erasure-cancelled"; fieldErrors: Record<string, string>; formError?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const s = context.session!;
  const actor = { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp, email: s.user.email, name: s.user.name };
  const fields = await formFields(request);
  try {
    switch (fields.intent) {
      case "export":
        await requestDataExport(context.services, actor);
        return json<ActionData>({ done: "export", fieldErrors: {} });
      case "withdraw-consent": {
        const result = await withdrawFaceConsent(context.services, actor, fields);
        if (!result.ok) return json<ActionData>({ fieldErrors: result.fieldErrors, formError: result.formError }, { status: statusOf(result.code) });
        return json<ActionData>({ done: "withdrawn", fieldErrors: {} });
      }
      case "request-erasure":
        await requestErasure(context.services, actor, fields);
        return json<ActionData>({ done: "erasure-requested", fieldErrors: {} });
      case "cancel-erasure":
        await cancelErasure(context.services, actor);
        return json<ActionData>({ done: "erasure-cancelled", fieldErrors: {} });
    }
  } catch (error) {
    if (error instanceof DomainError) return json<ActionData>({ fieldErrors: error.field ? { [error.field]: error.message } : {}, formError: error.field ? undefined : error.message }, { status: error.code === "FORBIDDEN" ? 403 : 422 });
    throw error;
  }
  const result = await changePassword(context.services, actor, fields, request.headers);
  if (!result.ok) return json<ActionData>({ fieldErrors: result.fieldErrors, formError: result.formError }, { status: statusOf(result.code) });
  return json<ActionData>({ done: "password", fieldErrors: {} }, { headers: result.headers });
}

const SCOPE_LABEL: Record<string, string> = {
  landmarks: "Face measurements (landmark snapshots, no pictures)",
  photos: "Keeping the pictures of face snapshots",
};

export default function Account() {
  const { user, exports, consents, erasure } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
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
        {data?.done === "password" ? (
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
      <section className="card" aria-labelledby="two-factor-title">
        <h2 id="two-factor-title">Two-step sign-in</h2>
        {user.twoFactorEnabled ? (
          <p>On: each sign-in asks for a code from your authenticator app.</p>
        ) : (
          <p>
            Off. <a href="/account/two-factor">Set up two-step sign-in</a> to ask for a code from your phone at each sign-in.
          </p>
        )}
      </section>
      {user.role === "patient" ? (
        <section className="card" aria-labelledby="data-title">
          <h2 id="data-title">Your data</h2>
          <p>Download everything we keep about you — your answers, sessions, invoices, diary, snapshots and kept photos — as one archive (JSON and files). It takes a moment; we e-mail you when it is ready.</p>
          {data?.done === "export" ? (
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
                  {formatDateTime(e.requestedAt, user.timeZone)}:{" "}
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
      {user.role === "patient" ? (
        <section className="card" aria-labelledby="consents-title">
          <h2 id="consents-title">Your consents</h2>
          {data?.done === "withdrawn" ? (
            <div className="alert alert--ok" role="status">
              Consent withdrawn. What it covered has been deleted.
            </div>
          ) : null}
          {consents.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">What you agreed to</th>
                  <th scope="col">Agreed on</th>
                  <th scope="col">Withdrawn</th>
                </tr>
              </thead>
              <tbody>
                {consents.map((c) => (
                  <tr key={c.id}>
                    <td>
                      {SCOPE_LABEL[c.scope] ?? c.scope} <span className="muted">(text {c.textVersion})</span>
                    </td>
                    <td>{formatDate(c.grantedAt, user.timeZone)}</td>
                    <td>
                      {c.withdrawnAt ? (
                        formatDate(c.withdrawnAt, user.timeZone)
                      ) : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="withdraw-consent" />
                          <input type="hidden" name="scope" value={c.scope === "landmarks" ? "all" : "photos"} />
                          <button type="submit" className="button button--small button--secondary" aria-label={`Withdraw: ${SCOPE_LABEL[c.scope] ?? c.scope}`}>
                            Withdraw
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>You have not agreed to face snapshots. You can, at any time, from the <a href="/diary/consent">diary</a>.</p>
          )}
          <p className="muted">Withdrawing face measurements deletes every snapshot and picture; withdrawing pictures deletes the pictures only. Your diary text stays.</p>
        </section>
      ) : null}
      {erasure ? (
        <section className="card" aria-labelledby="erasure-title">
          <h2 id="erasure-title">Erase your account</h2>
          {data?.done === "erasure-requested" ? (
            <div className="alert alert--ok" role="status">
              We have your request. An administrator confirms it, usually within a few days; we e-mail you when it is done.
            </div>
          ) : null}
          {data?.done === "erasure-cancelled" ? (
            <div className="alert alert--ok" role="status">
              Your erasure request is cancelled.
            </div>
          ) : null}
          <p>Erasing your account deletes for good:</p>
          <ul>
            {erasure.erased.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          {erasure.retained.length ? (
            <>
              <p>The law makes us keep a little:</p>
              <ul>
                {erasure.retained.map((r) => (
                  <li key={r.what}>
                    <strong>{r.what}</strong>: {r.kept}, for {r.years} years ({r.why}), then deleted.
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <p>Download your data first if you want a copy.</p>
          {erasure.lastDeclined && !erasure.open ? <div className="alert alert--info">Your last request was declined: {erasure.lastDeclined.reason}</div> : null}
          {erasure.open ? (
            <>
              <p className="alert alert--info">
                You asked for erasure on {formatDate(erasure.open.requestedAt, user.timeZone)}. {erasure.open.status === "confirmed" ? "An administrator has confirmed it; it is being carried out." : "It is waiting for an administrator to confirm it."}
              </p>
              {erasure.open.status === "requested" ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="cancel-erasure" />
                  <button type="submit" className="button button--secondary">
                    Cancel my erasure request
                  </button>
                </Form>
              ) : null}
            </>
          ) : (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="request-erasure" />
              <div className="checkbox">
                <input type="checkbox" id="field-understood" name="understood" value="yes" aria-invalid={errors.understood ? true : undefined} aria-describedby={errors.understood ? "field-understood-error" : undefined} />
                <label htmlFor="field-understood">I understand that erasure cannot be undone</label>
              </div>
              {errors.understood ? (
                <p className="field-error" id="field-understood-error" role="alert">
                  {errors.understood}
                </p>
              ) : null}
              <button type="submit" className="button button--danger">
                Ask to erase my account
              </button>
            </Form>
          )}
        </section>
      ) : null}
    </div>
  );
}
