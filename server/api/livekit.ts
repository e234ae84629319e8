import { isLiveKitError } from "../../media/livekit/errors";
import { receiveWebhook } from "../../media/livekit/webhooks";
import { publicAccess } from "../access/access";
import { liveKitConfig, markWebhookSeen, recordLiveKitAttendance } from "../services/calls";
import type { AppServices } from "../services/context";
import type { ApiRoute } from "./route-table";

/**
 * LiveKit's webhooks. Public (LiveKit has no session), so the signature is the access rule: the SDK's
 * receiver checks the JWT and the body checksum; stale and replayed events are refused too.
 */
export function livekitRoutes(services: AppServices): ApiRoute[] {
  return [
    {
      method: "post",
      path: "/livekit/webhook",
      access: publicAccess,
      handler: async (c) => {
        const config = liveKitConfig(services, false);
        if (!config) return c.json({ error: "NOT_CONFIGURED", message: "LiveKit is not configured" }, 404);
        const body = await c.req.text();
        try {
          const event = await receiveWebhook(config, body, c.req.header("authorization"), {
            now: services.now(),
            seenIds: (id) => markWebhookSeen(services, id),
          });
          if (event.kind !== "ignored" && event.sessionId) {
            await recordLiveKitAttendance(services, { ...event, kind: event.kind, sessionId: event.sessionId });
          }
          return c.json({ ok: true });
        } catch (error) {
          if (isLiveKitError(error)) {
            services.logger.warn({ event: "livekit.webhook_refused", code: error.code }, "webhook refused");
            return c.json({ error: error.code }, error.status as 400 | 401 | 409);
          }
          throw error;
        }
      },
    },
  ];
}
