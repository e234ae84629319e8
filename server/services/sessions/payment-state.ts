/**
 * May this session start, as far as money goes? A program session needs its block paid or an override
 * recorded; other kinds are not paid per block. A property of the session, so it needs no identity:
 * the caller has already decided the asker may see the session.
 */
import { canStartSession } from "../../domain/journey/billing";
import { sessionKinds } from "../../domain/session-kinds";
import type { Queryable } from "../../jobs/queue";
import { billingSettingsOf, loadJourneySettings } from "../journey/settings";

export type JoinDecision =
  | { allowed: true; block: number | null; overridden: boolean }
  | { allowed: false; block: number | null; code: "BLOCK_UNPAID" | "NOT_SCHEDULED"; message: string };

export async function paidBlocksOf(db: Queryable, programId: string): Promise<number[]> {
  const rows = await db.selectFrom("invoice").select("block").where("programId", "=", programId).where("kind", "=", "block").where("status", "=", "paid").execute();
  return rows.map((r) => r.block).filter((b): b is number => b !== null);
}

/** The block payment state of a session that exists (callers authorise and look it up first). */
export async function blockPaymentState(db: Queryable, sessionId: string): Promise<JoinDecision> {
  const session = await db.selectFrom("clinicalSession").select(["id", "kind", "status", "programId", "sequence"]).where("id", "=", sessionId).executeTakeFirstOrThrow();
  if (session.status !== "scheduled") return { allowed: false, block: null, code: "NOT_SCHEDULED", message: `This session is ${session.status}` };
  if (sessionKinds.billing(session.kind) !== "block" || !session.programId || !session.sequence) return { allowed: true, block: null, overridden: false };
  const settings = await loadJourneySettings(db);
  const paidBlocks = await paidBlocksOf(db, session.programId);
  const override = await db.selectFrom("paymentOverride").selectAll().where("sessionId", "=", session.id).executeTakeFirst();
  const decision = canStartSession({
    sessionNumber: session.sequence,
    paidBlocks,
    override: override ? { byUserId: override.byUserId, role: override.role, reason: override.reason } : undefined,
    settings: billingSettingsOf(settings),
  });
  if (decision.allowed) return { allowed: true, block: decision.block, overridden: Boolean(decision.override) };
  return { allowed: false, block: decision.block, code: "BLOCK_UNPAID", message: decision.message };
}
