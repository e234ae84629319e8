import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { listOutbox } from "../../server/services/outbox";

export const handle = { access: rolesAccess("admin") };
export const meta: MetaFunction = () => [{ title: "Outbox · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const s = context.session!;
  const messages = await listOutbox(context.services, { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp });
  return {
    smtp: context.services.mailer.kind === "smtp",
    messages: messages.map((m) => ({ id: m.id, to: m.toAddress, subject: m.subject, text: m.text, createdAt: m.createdAt.toISOString() })),
  };
}

export default function Outbox() {
  const { messages, smtp } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Local outbox</h1>
      <p className="lead">
        {smtp
          ? "An SMTP server is configured: e-mails are sent, and this outbox only shows older local messages."
          : "No SMTP server is configured, so e-mails are kept here instead of being sent. Links in them work on this installation."}
      </p>
      {messages.length === 0 ? <p className="muted">No message yet.</p> : null}
      {messages.map((m) => (
        <article key={m.id} className="card">
          <h2>{m.subject}</h2>
          <p className="muted">
            To {m.to} · <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString()}</time>
          </p>
          <pre className="mail">{m.text}</pre>
        </article>
      ))}
    </>
  );
}
