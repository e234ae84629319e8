import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { signedInDuringTwoFactorSetup } from "../../server/access/access";
import { statusOf } from "../../server/domain/domain-error";
import { confirmTwoFactorSetup, enrolmentQr, requiresTwoFactor, startTwoFactorSetup } from "../../server/services/two-factor";
import { Field, FormError } from "../components/field";
import { formFields } from "../components/form-data.server";

export const handle = { access: signedInDuringTwoFactorSetup };
export const meta: MetaFunction = () => [{ title: "Two-step sign-in · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { user } = context.session!;
  return { enabled: user.twoFactorEnabled, required: requiresTwoFactor(user.role), home: `/${user.role}` };
}

type ActionData =
  | { step: "scan"; secret: string; qrSvg: string; backupCodes: string[]; fieldErrors: Record<string, string>; formError?: string }
  | { step: "password"; fieldErrors: Record<string, string>; formError?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const s = context.session!;
  const actor = { userId: s.user.id, role: s.user.role, sessionId: s.sessionId, ip: context.clientIp };
  const fields = await formFields(request);
  if (fields.intent === "confirm") {
    const result = await confirmTwoFactorSetup(context.services, actor, request.headers, fields);
    if (result.ok) return redirect(`/${s.user.role}?twoFactor=on`, { headers: result.headers });
    // The key and backup codes travel back with the form (hidden fields), so a mistyped code keeps the same QR.
    const secret = fields.secret ?? "";
    const again = { secret, qrSvg: (await enrolmentQr(s.user.email, secret)) ?? "", backupCodes: (fields.backupCodes ?? "").split(" ").filter((c) => /^[A-Za-z0-9-]{1,20}$/.test(c)).slice(0, 10) };
    return json<ActionData>({ step: "scan", ...again, fieldErrors: result.fieldErrors, formError: result.formError }, { status: statusOf(result.code) });
  }
  const result = await startTwoFactorSetup(context.services, actor, request.headers, fields);
  if (!result.ok) return json<ActionData>({ step: "password", fieldErrors: result.fieldErrors, formError: result.formError }, { status: statusOf(result.code) });
  return json<ActionData>({ step: "scan", ...result.value, fieldErrors: {} });
}

export default function TwoFactorSetup() {
  const { enabled, required, home } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state === "submitting";
  if (enabled) {
    return (
      <div className="narrow">
        <h1>Two-step sign-in</h1>
        <p className="alert alert--ok">Two-step sign-in is on for your account. Each sign-in asks for a code from your authenticator app.</p>
        <p>Lost your phone? Use a backup code, then ask an admin to reset two-step sign-in so you can set it up on a new phone.</p>
        <p>
          <a href={home}>Back to your home page</a>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Set up two-step sign-in</h1>
      {required ? (
        <p className="alert alert--info">Your account can see patients' health records, so each sign-in needs a code from an authenticator app on your phone as well as your password. Set it up now to continue.</p>
      ) : (
        <p>Each sign-in will ask for a code from an authenticator app on your phone as well as your password.</p>
      )}
      <FormError message={data?.formError} />
      {data?.step === "scan" ? (
        <section className="card" aria-labelledby="scan-title">
          <h2 id="scan-title">1. Add the clinic to your authenticator app</h2>
          <p>Scan this code with an authenticator app (for example FreeOTP, Aegis, Google Authenticator or 1Password).</p>
          <div className="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: data.qrSvg }} />
          <p>
            Cannot scan? Enter this key by hand: <code data-testid="totp-secret">{data.secret}</code>
          </p>
          <h2>2. Keep your backup codes</h2>
          <p>Each works once if you lose your phone. Print them or keep them somewhere safe; they are not shown again.</p>
          <ul className="backup-codes">
            {data.backupCodes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
          <h2>3. Type the code your app shows</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="confirm" />
            <input type="hidden" name="secret" value={data.secret} />
            <input type="hidden" name="backupCodes" value={data.backupCodes.join(" ")} />
            <Field name="code" label="6-digit code" inputMode="numeric" autoComplete="one-time-code" required maxLength={7} error={data.fieldErrors.code} />
            <button type="submit" className="button" disabled={busy}>
              Turn on two-step sign-in
            </button>
          </Form>
        </section>
      ) : (
        <Form method="post" className="card" noValidate>
          <input type="hidden" name="intent" value="start" />
          <Field name="password" label="Your password" type="password" autoComplete="current-password" required error={data?.fieldErrors.password} />
          <button type="submit" className="button" disabled={busy}>
            Start set-up
          </button>
        </Form>
      )}
      <Form method="post" action="/logout">
        <button type="submit" className="button button--secondary">
          Log out
        </button>
      </Form>
    </div>
  );
}
