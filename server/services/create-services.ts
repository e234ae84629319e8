import type { DatabaseHandle } from "../../db/client";
import { createAuth } from "../auth/auth";
import type { Env } from "../env";
import type { Logger } from "../logger";
import { createMailer } from "../mail/mailer";
import type { AppServices, Notifier } from "./context";

/** Notifications sent before socket.io is attached (or in tests without it) go nowhere, by design. */
export function lateNotifier(): Notifier & { target?: Notifier } {
  const holder: Notifier & { target?: Notifier } = {
    toAuthSession: (...args) => holder.target?.toAuthSession(...args),
    toUser: (...args) => holder.target?.toUser(...args),
    disconnect: (...args) => holder.target?.disconnect(...args),
  };
  return holder;
}

export function createServices(options: { env: Env; database: DatabaseHandle; logger: Logger; notifier?: Notifier; now?: () => Date }): AppServices {
  const { env, database, logger } = options;
  const mailer = createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, db: database.db, logger });
  const now = options.now ?? (() => new Date());
  const auth = createAuth({ db: database.db, env, mailer, now });
  return {
    env,
    db: database.db,
    dbKind: database.kind,
    auth,
    mailer,
    logger,
    notifier: options.notifier ?? lateNotifier(),
    now,
  };
}
