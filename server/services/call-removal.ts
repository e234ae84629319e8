import { removeSessionParticipant } from "../../media/livekit/rooms";
import { DomainError } from "../domain/domain-error";
import { audit } from "./audit";
import { liveKitConfig } from "./calls";
import { type CallUser, getCallContext } from "./sessions/access";
import type { AppServices } from "./context";

/**
 * The therapist removes someone from the call: their admission is withdrawn (joining again puts them
 * in the waiting room) and, on LiveKit, the server disconnects them at once. The socket adapter
 * drops their signalling (peer-to-peer) and tells them.
 */
export async function removeFromCall(services: AppServices, user: CallUser, sessionId: string, participantId: string): Promise<void> {
  const ctx = await getCallContext(services, user, sessionId);
  if (ctx.myRole !== "therapist") throw new DomainError("FORBIDDEN", "Only the session's therapist can remove participants.");
  if (participantId === user.userId) throw new DomainError("INVALID", "You cannot remove yourself; end the session instead.");
  const result = await services.db
    .updateTable("callParticipant")
    .set({ admittedAt: null })
    .where("sessionId", "=", sessionId)
    .where("userId", "=", participantId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new DomainError("NOT_FOUND", "Nobody with this id is in this session's call.");
  const lkApi = liveKitConfig(services, false);
  if (lkApi) await removeSessionParticipant(lkApi, sessionId, participantId);
  await audit(services, { actor: user, action: "call.participant_removed", recordType: "clinical_session", recordId: sessionId, patientId: ctx.patient.id });
}
