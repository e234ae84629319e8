/** What the journey pages share on the server: the acting user, and refusals mapped to HTTP answers. */
import { isDomainError, statusOf } from "../../server/domain/domain-error";

export { actorOf } from "../../server/services/context";

/**
 * Runs a service call; FORBIDDEN becomes 403 and NOT_FOUND 404 (a record the user may not see does not
 * exist for them), so the page shows the error boundary instead of a 500.
 */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDomainError(error) && (error.code === "FORBIDDEN" || error.code === "NOT_FOUND")) throw new Response(error.message, { status: statusOf(error.code) });
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
