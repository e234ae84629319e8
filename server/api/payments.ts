import { publicAccess } from "../access/access";
import type { AppServices } from "../services/context";
import { receiveStripeWebhook } from "../services/journey/online-payment";
import type { ApiRoute } from "./route-table";

/** Stripe's webhook: public (Stripe has no session), so its signature, checked by the SDK, is the access rule. */
export function paymentRoutes(services: AppServices): ApiRoute[] {
  return [
    {
      method: "post",
      path: "/stripe/webhook",
      access: publicAccess,
      handler: async (c) => {
        const result = await receiveStripeWebhook(services, await c.req.text(), c.req.header("stripe-signature"));
        return c.json({ outcome: result.outcome, message: result.message }, result.status);
      },
    },
  ];
}
