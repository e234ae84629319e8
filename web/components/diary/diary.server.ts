/** Shared by the diary's Remix routes: the acting user, and refusals as HTTP answers. */
import type { AppLoadContext } from "@remix-run/node";
import { DomainError } from "../../../server/domain/domain-error";
import type { Actor } from "../../../server/services/context";

export function actorFrom(context: AppLoadContext): Actor {
  const s = context.session!;
  return { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp };
}

/** Runs a service call; FORBIDDEN → 403, NOT_FOUND → 404 (thrown as Responses for the error boundary). */
export async function orRefuse<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.code === "FORBIDDEN") throw new Response(error.message, { status: 403 });
    if (error instanceof DomainError && error.code === "NOT_FOUND") throw new Response(error.message, { status: 404 });
    throw error;
  }
}
