import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { DomainError } from "../../server/domain/domain-error";
import { searchAudit } from "../../server/services/audit";
import { formatDateTime } from "../components/format-time";

export const handle = { access: rolesAccess("admin") };
export const meta: MetaFunction = () => [{ title: "Audit trail · Facial palsy rehabilitation" }];

export function filtersOf(url: URL) {
  const get = (k: string) => url.searchParams.get(k) ?? undefined;
  return { patientId: get("patientId"), actorId: get("actorId"), action: get("action"), from: get("from"), to: get("to") };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = context.session!;
  const actor = { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp };
  try {
    const rows = await searchAudit(context.services, actor, filtersOf(new URL(request.url)), 200);
    return { error: null, timeZone: s.user.timeZone, rows: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
  } catch (error) {
    if (error instanceof DomainError && error.code === "INVALID") return { error: error.message, timeZone: s.user.timeZone, rows: [] };
    throw error;
  }
}

export default function AuditTrail() {
  const { rows, error, timeZone } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Audit trail</h1>
      <p className="lead">Every read and change of health data and every security event, newest first. Entries cannot be changed or deleted.</p>
      <Form method="get" className="card inline-form" aria-label="Filter the audit trail">
        <div className="field">
          <label htmlFor="patientId">Patient id</label>
          <input id="patientId" name="patientId" defaultValue={params.get("patientId") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="actorId">User id</label>
          <input id="actorId" name="actorId" defaultValue={params.get("actorId") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="action">Action starts with</label>
          <input id="action" name="action" defaultValue={params.get("action") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="datetime-local" defaultValue={params.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="datetime-local" defaultValue={params.get("to") ?? ""} />
        </div>
        <button type="submit" className="button">
          Search
        </button>
        <a className="button button--secondary" href={`/admin/audit/export?${params.toString()}`} download>
          Export CSV
        </a>
      </Form>
      {error ? (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      ) : null}
      <table>
        <caption className="visually-hidden">Audit events</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Record</th>
            <th scope="col">Patient</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{formatDateTime(r.at, timeZone)}</td>
              <td>{r.actorId ? `${r.actorRole} ${r.actorId.slice(0, 8)}` : "—"}</td>
              <td>{r.action}</td>
              <td>{r.outcome}</td>
              <td>{r.recordType ? `${r.recordType} ${r.recordId ?? ""}` : "—"}</td>
              <td>{r.patientId ? r.patientId.slice(0, 8) : "—"}</td>
              <td>{r.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
