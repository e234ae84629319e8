import { DomainError } from "../../domain/domain-error";
import { type CallContext, type CallUser, getCallContext } from "../calls";
import type { AppServices } from "../context";

export type HomeworkUser = CallUser;

/** The session's therapist, patient or invited staff; anyone else is refused (FORBIDDEN / NOT_FOUND). */
export function sessionParticipant(services: AppServices, user: HomeworkUser, sessionId: string): Promise<CallContext> {
  return getCallContext(services, user, sessionId);
}

export async function sessionTherapist(services: AppServices, user: HomeworkUser, sessionId: string): Promise<CallContext> {
  const ctx = await getCallContext(services, user, sessionId);
  if (ctx.myRole !== "therapist") throw new DomainError("FORBIDDEN", "Only the session's therapist can do this.");
  return ctx;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
