import nodemailer from "nodemailer";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { Logger } from "../logger";

export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Where messages go, for the README and the admin outbox page. */
  readonly kind: "smtp" | "outbox";
  close(): Promise<void>;
}

/**
 * SMTP when SMTP_URL is set; otherwise a local outbox in the database that only admins can read, so
 * a demo user can still click the verification link.
 */
export function createMailer(options: { smtpUrl?: string; from: string; db: Kysely<Database>; logger: Logger }): Mailer {
  const { smtpUrl, from, db, logger } = options;
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      kind: "smtp",
      async send(message) {
        await transport.sendMail({ from, ...message });
        logger.info({ event: "mail.sent", subject: message.subject }, "mail sent");
      },
      async close() {
        transport.close();
      },
    };
  }
  return {
    kind: "outbox",
    async send(message) {
      await db
        .insertInto("outboxEmail")
        .values({
          toAddress: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html ?? null,
          // Kept as SMTP would send them (calendar invitations), so the outbox shows the whole message.
          attachments: message.attachments?.length
            ? JSON.stringify(message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, base64: Buffer.from(a.content).toString("base64") })))
            : null,
        })
        .execute();
      logger.info({ event: "mail.outbox", subject: message.subject }, "mail kept in the local outbox");
    },
    async close() {},
  };
}
