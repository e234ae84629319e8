import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signedInDuringTwoFactorSetup } from "../../server/access/access";
import { signOut } from "../../server/services/accounts";

export const handle = { access: signedInDuringTwoFactorSetup };

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const s = context.session;
  const headers = await signOut(context.services, request.headers, s?.sessionId, s ? { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp } : undefined);
  return redirect("/login?signedOut=1", { headers });
}
