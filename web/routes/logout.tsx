import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signedIn } from "../../server/access/access";
import { signOut } from "../../server/services/accounts";

export const handle = { access: signedIn };

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const headers = await signOut(context.services, request.headers, context.session?.sessionId);
  return redirect("/login?signedOut=1", { headers });
}
