import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { listOutbox } from "../../server/services/outbox";
import { formatDateTime } from "../components/format-time";

export const handle = { access: rolesAccess("admin") };
export const meta: MetaFunction = () => [{ title: "Outbox · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const s = context.session!;
  const messages = await listOutbox(context.services, { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp });
  return {
    smtp: context.services.mailer.kind === "smtp",
    messages: messages.map((m) => ({
      id: m.id,
      to: m.toAddress,
      subject: m.subject,
      text: m.text,
      html: m.html,
      attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, href: `data:${a.contentType.split(";")[0]};base64,${a.base64}` })),
      createdAt: m.createdAt.toISOString(),
      // Formatted here, in the admin's own zone: the same text on the server and in the browser (no hydration mismatch).
      sentAt: formatDateTime(m.createdAt, s.user.timeZone),
    })),
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
            To {m.to} · <time dateTime={m.createdAt}>{m.sentAt}</time>
          </p>
          {m.html ? (
            // The HTML as sent, in a sandbox without scripts, forms or same-origin access.
            <iframe className="mail-html" title={`E-mail: ${m.subject}`} sandbox="" srcDoc={m.html} />
          ) : (
            <pre className="mail">{m.text}</pre>
          )}
          {m.attachments.length ? (
            <p>
              Attachments:{" "}
              {m.attachments.map((a) => (
                <a key={a.filename} href={a.href} download={a.filename}>
                  {a.filename}
                </a>
              ))}
            </p>
          ) : null}
        </article>
      ))}
    </>
  );
}
