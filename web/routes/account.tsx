import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { signedIn } from "../../server/access/access";

export const handle = { access: signedIn };
export const meta: MetaFunction = () => [{ title: "Your account · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { name, email, role, timeZone } = context.session!.user;
  return { user: { name, email, role, timeZone } };
}

export default function Account() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <h1>Your account</h1>
      <dl className="card">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Time zone</dt>
        <dd>{user.timeZone}</dd>
      </dl>
      <p>
        <a href="/forgot-password">Change your password</a> (we send you a link by e-mail).
      </p>
    </div>
  );
}
