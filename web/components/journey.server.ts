/** What the journey pages share on the server: the acting user, and refusals mapped to HTTP answers. */
import type { AppLoadContext } from "@remix-run/node";
import type { Actor } from "../../server/services/context";

export function actorOf(context: AppLoadContext): Actor {
  const session = context.session!;
  return { userId: session.user.id, role: session.user.role, sessionId: session.sessionId, ip: context.clientIp };
}

/**
 * Runs a service call; FORBIDDEN becomes 403 and NOT_FOUND 404 (a record the user may not see does not
 * exist for them), so the page shows the error boundary instead of a 500.
 */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    const message = error instanceof Error ? error.message : "Not allowed";
    if (code === "FORBIDDEN") throw new Response(message, { status: 403 });
    if (code === "NOT_FOUND") throw new Response(message, { status: 404 });
    throw error;
  }
}

/** A form's fields, repeated keys (checkbox lists) as arrays. */
export async function formObject(request: Request, lists: readonly string[] = []): Promise<Record<string, string | string[]>> {
  const form = await request.formData();
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string") continue;
    if (lists.includes(key)) out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    else out[key] = value;
  }
  for (const key of lists) out[key] ??= [];
  return out;
}
