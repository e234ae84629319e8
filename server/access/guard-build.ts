import { redirect, type ServerBuild } from "@remix-run/node";
import type { Access } from "./access";
import { audit } from "../services/audit";
import { decideAccess, homePathFor, TWO_FACTOR_SETUP_PATH } from "./access";

type RouteModule = ServerBuild["routes"][string]["module"];
type LoaderArgs = Parameters<NonNullable<RouteModule["loader"]>>[0];

export function routeAccess(module: RouteModule): Access | undefined {
  return (module.handle as { access?: Access } | undefined)?.access;
}

async function check(access: Access | undefined, args: LoaderArgs, routeId: string): Promise<void> {
  const session = args.context.session;
  const decision = decideAccess(access, session?.user.role ?? null, session?.user.twoFactorSetupRequired);
  if (decision === "allow") return;
  const url = new URL(args.request.url);
  if (decision === "two-factor-setup") throw redirect(TWO_FACTOR_SETUP_PATH);
  if (decision === "login") {
    const back = url.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/") + url.search.replace(/[?&]_routes=[^&]*/, "");
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  if (decision === "home") throw redirect(homePathFor(session!.user.role));
  await audit(args.context.services, {
    actor: { userId: session!.user.id, role: session!.user.role, ip: args.context.clientIp },
    action: "access.refused",
    outcome: "refused",
    recordType: "page",
    recordId: routeId,
  });
  throw new Response("You do not have access to this page.", { status: 403, statusText: "Forbidden" });
}

const guarded = new WeakMap<ServerBuild, ServerBuild>();

/**
 * Every page's loader and action run behind the access rule its module declares in
 * `handle.access` (deny by default). One place enforces it, for documents and data requests alike.
 */
export function guardBuild(build: ServerBuild): ServerBuild {
  const cached = guarded.get(build);
  if (cached) return cached;
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const module = route.module;
    const access = routeAccess(module);
    const loader = module.loader;
    const action = module.action;
    routes[id] = {
      ...route,
      module: {
        ...module,
        loader: async (args) => {
          await check(access, args, id);
          return loader ? loader(args) : null;
        },
        action: action
          ? async (args) => {
              await check(access, args, id);
              return action(args);
            }
          : undefined,
      },
    };
  }
  const result = { ...build, routes };
  guarded.set(build, result);
  return result;
}
