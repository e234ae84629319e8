/** Older e-mails linked to /patient/program: it is the patient's session-dates page. */
import { redirect } from "@remix-run/node";
import { rolesAccess } from "../../server/access/access";

export const handle = { access: rolesAccess("patient") };

export function loader() {
  return redirect("/patient/plan", 301);
}
