import { createServer } from "node:http";
import { startTestSmtpServer } from "../../setup/smtp";

/**
 * The e2e suite's SMTP server: a real SMTP server (smtp-server) on loopback, plus a small HTTP
 * endpoint so Playwright workers (other processes) can read what arrived.
 */
const smtpPort = Number(process.env.MAIL_SMTP_PORT ?? 3526);
const httpPort = Number(process.env.MAIL_HTTP_PORT ?? 3527);

const smtp = await startTestSmtpServer(smtpPort);
createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/health") return res.end("ok");
  const to = url.searchParams.get("to");
  const messages = smtp.messages.filter((m) => !to || m.to.includes(to)).map(({ to, subject, text, html, attachments }) => ({
    to,
    subject,
    text,
    html,
    // Text attachments (calendar invitations) as text, every attachment as base64 (PDFs).
    attachments: attachments.map((a) => ({ filename: a.filename ?? "", contentType: a.contentType, content: a.contentType.startsWith("text/") ? a.content.toString("utf8") : "", base64: a.content.toString("base64") })),
  }));
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(messages));
}).listen(httpPort, "127.0.0.1");
process.stdout.write(`mail catcher: smtp ${smtp.url}, http://127.0.0.1:${httpPort}\n`);
