import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../auth/auth";
import { passwordIssue } from "../auth/password-check";
import { DomainError } from "../domain/domain-error";
import { personNameSchema } from "../domain/person-name";
import { staffInvitationEmail } from "../mail/templates";
import { callAuth, cookiesOf, fieldErrorsOf, type FormResult } from "./accounts";
import { audit } from "./audit";
import { insertCredentialUser } from "./credential-users";
import type { Actor, AppServices } from "./context";

export const INVITATION_VALID_DAYS = 7;
const STAFF_ROLES = ["therapist", "planner", "admin"] as const;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

const inviteSchema = z.object({
  name: personNameSchema,
  email: z.string().trim().toLowerCase().pipe(z.email({ message: "Enter a valid e-mail address" })),
  role: z.enum(STAFF_ROLES, { message: "Choose therapist, planner or admin" }),
});

/** An admin invites a staff member; only a hash of the token is stored, the link goes by e-mail. */
export async function inviteStaff(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<{ invitationId: string }>> {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an admin can invite staff");
  const parsed = inviteSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const { name, email, role } = parsed.data;
  const existing = await services.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirst();
  if (existing) return { ok: false, code: "INVALID_INPUT", fieldErrors: { email: "Someone already has an account with this e-mail" } };
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(services.now().getTime() + INVITATION_VALID_DAYS * 86_400_000);
  const invitation = await services.db
    .insertInto("staffInvitation")
    .values({ name, email, role, tokenHash: hashToken(token), invitedBy: actor.userId, expiresAt })
    .returning("id")
    .executeTakeFirstOrThrow();
  const url = `${services.env.PUBLIC_URL}/invitation/${token}`;
  await services.mailer.send({ to: email, ...staffInvitationEmail({ name, role, url }) });
  services.logger.info({ event: "staff.invited", role, invitationId: invitation.id }, "staff invited");
  await audit(services, { actor, action: "staff.invited", recordType: "staff_invitation", recordId: invitation.id });
  return { ok: true, value: { invitationId: invitation.id } };
}

export async function findOpenInvitation(services: AppServices, token: string) {
  const invitation = await services.db
    .selectFrom("staffInvitation")
    .select(["id", "name", "email", "role", "expiresAt", "acceptedAt"])
    .where("tokenHash", "=", hashToken(token))
    .executeTakeFirst();
  if (!invitation || invitation.acceptedAt || invitation.expiresAt < services.now()) return null;
  return invitation;
}

const acceptSchema = z
  .object({
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(128),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords are not the same" });

/**
 * The invited person chooses a password: the account is created with its role and a verified e-mail
 * (they proved it by opening the link), then signed in.
 */
export async function acceptInvitation(services: AppServices, token: string, input: unknown, clientIp: string): Promise<FormResult<{ role: string }>> {
  const invitation = await findOpenInvitation(services, token);
  if (!invitation) return { ok: false, code: "GONE", fieldErrors: {}, formError: "This invitation has expired or was already used. Ask the clinic's admin for a new one." };
  const parsed = acceptSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const weak = await passwordIssue(parsed.data.password, { email: invitation.email, name: invitation.name });
  if (weak) return { ok: false, code: "INVALID_INPUT", fieldErrors: { password: weak.message } };

  const ctx = await services.auth.$context;
  const passwordHash = await ctx.password.hash(parsed.data.password);
  await services.db.transaction().execute(async (trx) => {
    // Claim the invitation first: a second click racing this one finds it accepted and stops.
    const claimed = await trx
      .updateTable("staffInvitation")
      .set({ acceptedAt: services.now() })
      .where("id", "=", invitation.id)
      .where("acceptedAt", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!claimed) throw new DomainError("INVITATION_USED", "This invitation was already used");
    await insertCredentialUser(trx, { name: invitation.name, email: invitation.email, role: invitation.role, passwordHash, now: services.now() });
  });
  await audit(services, { action: "staff.invitation_accepted", recordType: "staff_invitation", recordId: invitation.id, ip: clientIp });
  const response = await callAuth(services, "/sign-in/email", { email: invitation.email, password: parsed.data.password }, clientIp);
  return { ok: true, value: { role: invitation.role }, headers: cookiesOf(response) };
}

export async function listInvitations(services: AppServices, actor: Actor) {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an admin can see invitations");
  return services.db
    .selectFrom("staffInvitation")
    .select(["id", "name", "email", "role", "expiresAt", "acceptedAt", "createdAt"])
    .orderBy("createdAt", "desc")
    .limit(100)
    .execute();
}
