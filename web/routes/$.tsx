/**
 * Any address no route claims. Answered by a route (not by Remix's bare 404) so the root loader runs
 * and a signed-in reader keeps their own navigation on the "Page not found" page.
 */
import { publicAccess } from "../../server/access/access";

export const handle = { access: publicAccess };

export function loader() {
  throw new Response("There is no page at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}
