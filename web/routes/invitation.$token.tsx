import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { publicAccess } from "../../server/access/access";
import { acceptInvitation, findOpenInvitation } from "../../server/services/staff-invitations";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: publicAccess };
export const meta: MetaFunction = () => [{ title: "Activate your account · Facial palsy rehabilitation" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const invitation = await findOpenInvitation(context.services, params.token ?? "");
  return { invitation: invitation ? { name: invitation.name, email: invitation.email, role: invitation.role } : null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await acceptInvitation(context.services, params.token ?? "", await formFields(request), context.clientIp);
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError };
  return redirect(`/${result.value.role}`, { headers: result.headers });
}

export default function Invitation() {
  const { invitation } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  if (!invitation) {
    return (
      <div className="narrow">
        <h1>This invitation is no longer valid</h1>
        <p>It has expired or was already used. Ask the clinic's admin to send a new one.</p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Welcome, {invitation.name}</h1>
      <p className="lead">
        You are invited as <strong>{invitation.role}</strong> with the address {invitation.email}. Choose a password to activate your account.
      </p>
      <FormError message={data?.formError} />
      <Form method="post" className="card" noValidate>
        <Field name="password" label="Password" type="password" autoComplete="new-password" required hint="At least 12 characters." error={data?.fieldErrors.password} />
        <Field name="confirm" label="The same password again" type="password" autoComplete="new-password" required error={data?.fieldErrors.confirm} />
        <button type="submit" className="button">
          Activate my account
        </button>
      </Form>
    </div>
  );
}
