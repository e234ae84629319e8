import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { publicAccess } from "../../server/access/access";
import { resetPassword } from "../../server/services/accounts";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: publicAccess };
export const meta: MetaFunction = () => [{ title: "Choose a new password · Facial palsy rehabilitation" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await resetPassword(context.services, await formFields(request), context.clientIp);
  if (!result.ok) return { fieldErrors: result.fieldErrors, formError: result.formError };
  return redirect("/login?reset=1");
}

export default function ResetPassword() {
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  if (!token || params.get("error")) {
    return (
      <div className="narrow">
        <h1>This link does not work</h1>
        <p>It may have expired or been used already. <a href="/forgot-password">Ask for a new link</a>.</p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      <FormError message={data?.formError} />
      <Form method="post" className="card" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field name="password" label="New password" type="password" autoComplete="new-password" required hint="At least 12 characters." error={data?.fieldErrors.password} />
        <Field name="confirm" label="The same password again" type="password" autoComplete="new-password" required error={data?.fieldErrors.confirm} />
        <button type="submit" className="button">
          Save the new password
        </button>
      </Form>
    </div>
  );
}
