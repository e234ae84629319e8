import { Hono } from "hono";
import { decideAccess } from "../access/access";
import type { HonoEnv } from "../app";
import { isDatabaseUnavailable } from "../../db/client";
import { databaseUnavailableResponse } from "../database-unavailable";
import { isDomainError, statusOf } from "../domain/domain-error";
import { audit } from "../services/audit";
import type { AppServices } from "../services/context";
import { accountRoutes } from "./account";
import { adminRoutes } from "./admin";
import { diaryRoutes } from "./diary";
import { homeworkRoutes } from "./homework";
import { livekitRoutes } from "./livekit";
import { paymentRoutes } from "./payments";
import { apiActor, type ApiRoute } from "./route-table";

export function apiRouteTable(services: AppServices): ApiRoute[] {
  return [...accountRoutes(services), ...adminRoutes(services), ...livekitRoutes(services), ...paymentRoutes(services), ...homeworkRoutes(services), ...diaryRoutes(services)];
}

/** Thin JSON adapters: access check → handler (which validates and calls one service) → JSON. */
export function createApiApp(services: AppServices) {
  const api = new Hono<HonoEnv>();
  for (const route of apiRouteTable(services)) {
    api[route.method](route.path, async (c) => {
      const actor = apiActor(c);
      const decision = decideAccess(route.access, actor?.role ?? null, c.get("session")?.user.twoFactorSetupRequired);
      if (decision === "two-factor-setup") return c.json({ error: "TWO_FACTOR_SETUP_REQUIRED", message: "Set up two-step sign-in first" }, 403);
      if (decision === "login") return c.json({ error: "UNAUTHENTICATED", message: "Please log in" }, 401);
      if (decision === "forbidden") {
        await audit(services, { actor, action: "access.refused", outcome: "refused", recordType: "api", recordId: `${route.method.toUpperCase()} ${route.path}` });
        return c.json({ error: "FORBIDDEN", message: "You do not have access to this" }, 403);
      }
      try {
        return await route.handler(c, actor);
      } catch (error) {
        if (isDomainError(error)) {
          if (error.code === "FORBIDDEN") await audit(services, { actor, action: "access.refused", outcome: "refused", recordType: "api", recordId: `${route.method.toUpperCase()} ${route.path}` });
          return c.json({ error: error.code, message: error.message, field: error.field }, statusOf(error.code));
        }
        throw error;
      }
    });
  }
  api.notFound((c) => c.json({ error: "NOT_FOUND", message: "No such API route" }, 404));
  api.onError((error, c) => {
    if (isDatabaseUnavailable(error)) return databaseUnavailableResponse(c);
    services.logger.error({ event: "api.error", name: error.name }, "API error");
    return c.json({ error: "INTERNAL", message: "Something went wrong on our side" }, 500);
  });
  return api;
}
