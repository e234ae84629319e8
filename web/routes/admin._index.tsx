import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { actorOf } from "../../server/services/context";
import { countPatients, listStaff } from "../../server/services/people";
import { inviteStaff, listInvitations } from "../../server/services/staff-invitations";
import { resetTwoFactor } from "../../server/services/two-factor";
import { decideErasure, listErasureRequests } from "../../server/services/erasure";
import { DomainError } from "../../server/domain/domain-error";
import { formatDate } from "../components/diary/format";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";
import { WhoAmI } from "../components/who-am-i";

export const handle = { access: rolesAccess("admin") };
export const meta: MetaFunction = () => [{ title: "Clinic administration · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const [staff, invitations, patients, erasures] = await Promise.all([
    listStaff(context.services, actor),
    listInvitations(context.services, actor),
    countPatients(context.services),
    listErasureRequests(context.services, actor),
  ]);
  const { id, name, role, timeZone } = context.session!.user;
  return {
    user: { id, name, role, timeZone },
    staff,
    patients,
    invitations: invitations.map((i) => ({ id: i.id, name: i.name, email: i.email, role: i.role, accepted: Boolean(i.acceptedAt), expiresAt: i.expiresAt.toISOString() })),
    outbox: context.services.mailer.kind === "outbox",
    erasures: erasures.map((e) => ({ id: e.id, status: e.status, name: e.name, email: e.email, requestedAt: e.requestedAt.toISOString() })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formFields(request);
  if (fields.intent === "erasure") {
    try {
      const decision = await decideErasure(context.services, actorOf(context), fields);
      return { ok: true as const, reset: false as const, erasure: decision };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false as const, fieldErrors: { form: error.message } as Record<string, string>, values: {} as Record<string, string> };
      throw error;
    }
  }
  if (fields.intent === "reset-two-factor") {
    await resetTwoFactor(context.services, actorOf(context), String(fields.userId ?? ""));
    return { ok: true as const, reset: true as const };
  }
  const result = await inviteStaff(context.services, actorOf(context), fields);
  if (!result.ok) return { ok: false as const, fieldErrors: result.fieldErrors, values: fields };
  return { ok: true as const, reset: false as const, email: String(fields.email).trim().toLowerCase() };
}

export default function AdminHome() {
  const { user, staff, invitations, patients, outbox, erasures } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = data && !data.ok ? data.fieldErrors : {};
  return (
    <>
      <h1>Clinic administration</h1>
      <WhoAmI user={user} />
      {data?.ok && data.reset ? (
        <div className="alert alert--ok" role="status">
          Two-step sign-in was reset: they set it up again at their next sign-in.
        </div>
      ) : null}
      {outbox ? (
        <div className="alert alert--info">
          No SMTP server is configured: e-mails are kept in the <Link to="/admin/outbox">local outbox</Link>.
        </div>
      ) : null}
      {erasures.length ? (
        <section className="card" aria-labelledby="erasure-title">
          <h2 id="erasure-title">Erasure requests</h2>
          <p className="muted">Confirming erases the patient's account and health data at once; invoices are kept as the retention rule says. Decline only with a reason the patient can read (for example, an open legal claim).</p>
          {data && "erasure" in data ? (
            <div className="alert alert--ok" role="status">
              {data.erasure === "confirmed" ? "Confirmed: the erasure is being carried out." : "Declined: the patient sees your reason."}
            </div>
          ) : null}
          <ul className="plain-list">
            {erasures.map((e) => (
              <li key={e.id}>
                <strong>{e.name}</strong> ({e.email}), asked on {formatDate(e.requestedAt, user.timeZone)}
                {e.status === "confirmed" ? (
                  " — confirmed, in progress"
                ) : (
                  <div className="inline-form">
                    <Form method="post">
                      <input type="hidden" name="intent" value="erasure" />
                      <input type="hidden" name="requestId" value={e.id} />
                      <button type="submit" name="decision" value="confirm" className="button button--danger" aria-label={`Confirm erasure of ${e.name}`}>
                        Confirm erasure
                      </button>
                    </Form>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="erasure" />
                      <input type="hidden" name="requestId" value={e.id} />
                      <input type="hidden" name="decision" value="decline" />
                      <Field name="reason" id={`reason-${e.id}`} label={`Reason to decline ${e.name}'s request`} required />
                      <button type="submit" className="button button--secondary">
                        Decline
                      </button>
                    </Form>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="grid">
        <section className="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite a staff member</h2>
          {data?.ok && !data.reset && "email" in data ? (
            <div className="alert alert--ok" role="status">
              Invitation sent to {data.email}.
            </div>
          ) : null}
          <FormError message={errors.form} />
          <Form method="post" noValidate>
            <Field name="name" label="Name" required error={errors.name} defaultValue={data && !data.ok ? data.values.name : undefined} />
            <Field name="email" label="E-mail" type="email" required error={errors.email} defaultValue={data && !data.ok ? data.values.email : undefined} />
            <div className="field">
              <label htmlFor="field-role">Role</label>
              <select id="field-role" name="role" defaultValue="therapist" aria-invalid={errors.role ? true : undefined}>
                <option value="therapist">Therapist</option>
                <option value="planner">Planner</option>
                <option value="admin">Admin</option>
              </select>
              {errors.role ? <span className="field-error">{errors.role}</span> : null}
            </div>
            <button type="submit" className="button" disabled={busy}>
              Send invitation
            </button>
          </Form>
        </section>
        <section className="card" aria-labelledby="staff-title">
          <h2 id="staff-title">Staff</h2>
          <p className="muted">{patients} registered patients.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Two-step sign-in</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>{s.role}</td>
                  <td>
                    {s.twoFactorEnabled ? "On" : "Not set up yet"}
                    {s.twoFactorEnabled && s.id !== user.id ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="reset-two-factor" />
                        <input type="hidden" name="userId" value={s.id} />
                        <button type="submit" className="button button--small button--secondary" aria-label={`Reset two-step sign-in of ${s.name}`}>
                          Reset
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {invitations.length > 0 ? (
        <section aria-labelledby="invitations-title">
          <h2 id="invitations-title">Invitations</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <tr key={i.id}>
                  <td>{i.name}</td>
                  <td>{i.email}</td>
                  <td>{i.role}</td>
                  <td>{i.accepted ? "accepted" : `open until ${formatDate(i.expiresAt, user.timeZone)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
