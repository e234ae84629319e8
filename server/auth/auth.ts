import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { twoFactor } from "better-auth/plugins";
import type { Kysely } from "kysely";
import type { Database, Role } from "../../db/schema";
import type { Env } from "../env";
import type { Mailer } from "../mail/mailer";
import { passwordResetEmail, verificationEmail } from "../mail/templates";
import { personNameSchema } from "../domain/person-name";
import { timeZoneSchema } from "../domain/time-zone";
import { passwordIssue } from "./password-check";

/** The header the server itself sets from the TCP peer (or the trusted proxy header); never the client's. */
export const CLIENT_IP_HEADER = "x-clinic-client-ip";
/** A session ends after 12 hours whatever happens, or after 30 minutes without activity. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
export const SESSION_IDLE_SECONDS = 30 * 60;
/** Activity refreshes the session (and its cookie) at most this often. */
export const SESSION_REFRESH_SECONDS = 5 * 60;
export { MIN_PASSWORD_LENGTH } from "../domain/password-policy";
import { MIN_PASSWORD_LENGTH } from "../domain/password-policy";

/** Staff see many patients' health data: their accounts need a second step at sign-in (TOTP). */
export const TWO_FACTOR_ROLES: readonly Role[] = ["therapist", "planner", "admin"];
/** The name people see: in authenticator apps, e-mails and invoice PDFs. */
export const CLINIC_NAME = "Facial Palsy Clinic";
/** Two-step endpoints: per-address limit on top of the plugin's per-account lockout (10 / 15 min). */
const TWO_FACTOR_LIMIT = { window: 60, max: 12 };

/** better-auth endpoints that set a person's name: the same rule as our forms. */
const NAME_PATHS = new Set(["/sign-up/email", "/update-user"]);
/** better-auth endpoints that set a password: every one goes through the password policy. */
const PASSWORD_PATHS: Record<string, "password" | "newPassword"> = { "/sign-up/email": "password", "/reset-password": "newPassword", "/change-password": "newPassword" };

export interface AuthDeps {
  db: Kysely<Database>;
  env: Env;
  mailer: Mailer;
}

/**
 * better-auth: a maintained library with first-class Kysely support, e-mail verification, password
 * reset, database-backed rate limiting and TOTP as plugins — the parts we must not hand-write.
 */
export function createAuth({ db, env, mailer }: AuthDeps) {
  return betterAuth({
    appName: CLINIC_NAME,
    baseURL: env.PUBLIC_URL,
    basePath: "/api/auth",
    secret: env.AUTH_SECRET,
    database: { db, type: "postgres" },
    trustedOrigins: [env.PUBLIC_URL],
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: 128,
      autoSignIn: false,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      sendResetPassword: async ({ user, url }) => {
        await mailer.send({ to: user.email, ...passwordResetEmail({ name: user.name, url }) });
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true,
      autoSignInAfterVerification: true,
      expiresIn: 24 * 60 * 60,
      sendVerificationEmail: async ({ user, url }) => {
        await mailer.send({ to: user.email, ...verificationEmail({ name: user.name, url }) });
      },
    },
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "patient", input: false },
        // The same schema as our forms: a zone nothing can compute with must never be stored.
        timeZone: { type: "string", required: false, defaultValue: "UTC", input: true, validator: { input: timeZoneSchema } },
      },
    },
    session: {
      // Sliding idle window; the absolute 12-hour limit is checked in getAuthSession.
      expiresIn: SESSION_IDLE_SECONDS,
      updateAge: SESSION_REFRESH_SECONDS,
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 200,
      customRules: {
        "/sign-in/email": { window: env.AUTH_RATE_LIMIT_WINDOW_SECONDS, max: env.AUTH_RATE_LIMIT_MAX },
        "/sign-up/email": { window: 60 * 60, max: Math.max(env.AUTH_RATE_LIMIT_MAX, 10) },
        "/request-password-reset": { window: 60 * 60, max: 5 },
        "/two-factor/enable": TWO_FACTOR_LIMIT,
        "/two-factor/verify-totp": TWO_FACTOR_LIMIT,
        "/two-factor/verify-backup-code": TWO_FACTOR_LIMIT,
      },
    },
    plugins: [
      twoFactor({
        issuer: CLINIC_NAME,
        // Enabling needs a first valid code, so nobody ends up locked out by a mistyped set-up.
        skipVerificationOnEnable: false,
        backupCodeOptions: { amount: 10, length: 10, storeBackupCodes: "encrypted" },
        accountLockout: { enabled: true, maxFailedAttempts: 10, durationSeconds: 15 * 60 },
      }),
    ],
    hooks: {
      // The backstop for direct API calls; our own forms check first to answer on the field.
      before: createAuthMiddleware(async (ctx) => {
        const body = ctx.body as Record<string, unknown> | undefined;
        if (NAME_PATHS.has(ctx.path) && body && (ctx.path === "/sign-up/email" || body.name !== undefined)) {
          const name = personNameSchema.safeParse(body.name);
          if (!name.success) throw new APIError("BAD_REQUEST", { message: name.error.issues[0]?.message ?? "Enter a name", code: "INVALID_NAME" });
        }
        const field = PASSWORD_PATHS[ctx.path];
        const password = field ? body?.[field] : undefined;
        if (typeof password !== "string") return;
        const issue = await passwordIssue(password, { email: typeof body?.email === "string" ? body.email : undefined, name: typeof body?.name === "string" ? body.name : undefined });
        if (issue) throw new APIError("BAD_REQUEST", { message: issue.message, code: `PASSWORD_${issue.problem.toUpperCase()}` });
      }),
    },
    advanced: {
      useSecureCookies: env.isProduction,
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  timeZone: string;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  /** Staff signed in with a password only: until they set up TOTP, they may only do that. */
  twoFactorSetupRequired: boolean;
}

export interface AuthSession {
  user: SessionUser;
  sessionId: string;
}

export async function getAuthSession(auth: Auth, headers: Headers): Promise<AuthSession | null> {
  return (await getAuthSessionRefreshing(auth, headers)).session;
}

/**
 * The session of a request, and the cookies to send back when activity extended it (so the browser's
 * cookie slides with the server's idle window). Past the absolute limit the session is revoked.
 */
export async function getAuthSessionRefreshing(auth: Auth, headers: Headers, now = new Date()): Promise<{ session: AuthSession | null; setCookies: string[] }> {
  // returnHeaders, not asResponse: a failure (an unreachable database) then throws, with the cause
  // attached, instead of becoming a 500 response that would read as "signed out".
  const { headers: responseHeaders, response: result } = await auth.api.getSession({ headers, returnHeaders: true });
  const setCookies = responseHeaders?.getSetCookie() ?? [];
  if (!result) return { session: null, setCookies };
  if (now.getTime() - new Date(result.session.createdAt).getTime() > SESSION_MAX_AGE_SECONDS * 1000) {
    await auth.api.revokeSession({ headers, body: { token: result.session.token } }).catch(() => {});
    return { session: null, setCookies: [] };
  }
  return { session: toAuthSession(result), setCookies };
}

function toAuthSession(result: NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>): AuthSession {
  const u = result.user as typeof result.user & { role?: string; timeZone?: string; twoFactorEnabled?: boolean | null };
  const role = (u.role ?? "patient") as Role;
  return {
    sessionId: result.session.id,
    user: {
      id: u.id,
      name: u.name,
      email: u.email,
      role,
      timeZone: u.timeZone ?? "UTC",
      emailVerified: u.emailVerified,
      twoFactorEnabled: u.twoFactorEnabled === true,
      twoFactorSetupRequired: TWO_FACTOR_ROLES.includes(role) && u.twoFactorEnabled !== true,
    },
  };
}
