import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { guestAccess } from "../../server/access/access";
import { requestPasswordReset } from "../../server/services/accounts";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: guestAccess };
export const meta: MetaFunction = () => [{ title: "Forgot password · Facial palsy rehabilitation" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await requestPasswordReset(context.services, await formFields(request), context.clientIp);
  return result.ok ? { sent: true as const } : { sent: false as const, fieldErrors: result.fieldErrors, formError: result.formError };
}

export default function ForgotPassword() {
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (data?.sent) {
    return (
      <div className="narrow">
        <h1>Check your e-mail</h1>
        <div className="alert alert--ok" role="status">
          If an account uses this address, we have sent it a link to choose a new password. The link is valid for one hour.
        </div>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Forgot your password?</h1>
      <FormError message={data?.formError} />
      <Form method="post" className="card" noValidate>
        <Field name="email" label="E-mail" type="email" autoComplete="email" required error={data?.fieldErrors?.email} />
        <button type="submit" className="button" disabled={busy}>
          Send me a link
        </button>
      </Form>
    </div>
  );
}
