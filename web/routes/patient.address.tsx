import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { rolesAccess } from "../../server/access/access";
import { isCountryCode } from "../../server/domain/journey/eligibility";
import { addressFormat } from "../../server/domain/journey/postal-address";
import { myPostalAddress, saveMyPostalAddress } from "../../server/services/journey/postal-address";
import { Field, FormError } from "../components/field";
import { SelectField } from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My postal address · Facial palsy rehabilitation" }];

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export async function loader({ context }: LoaderFunctionArgs) {
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  const countries: { value: string; label: string }[] = [];
  for (const a of LETTERS) for (const b of LETTERS) if (isCountryCode(a + b)) countries.push({ value: a + b, label: names.of(a + b) ?? a + b });
  countries.sort((x, y) => x.label.localeCompare(y.label, "en"));
  return { address: await answering(() => myPostalAddress(context.services, actorOf(context))), countries };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request);
  const result = await answering(() => saveMyPostalAddress(context.services, actorOf(context), fields));
  if (!result.ok) return { ok: false as const, fieldErrors: result.fieldErrors, formError: result.formError, values: fields as Record<string, string> };
  return { ok: true as const };
}

export default function PostalAddressPage() {
  const { address, countries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = result && !result.ok ? result.fieldErrors : {};
  const values: Record<string, string> = result && !result.ok ? result.values : (address as unknown as Record<string, string>);
  const [country, setCountry] = useState(values.country ?? "");
  const format = addressFormat(country || "XX");
  const status = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result?.ok) status.current?.focus();
    else if (result) document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [result]);
  return (
    <div className="journey-form">
      <h1>My postal address</h1>
      <p className="lead">Your welcome package (the “passport” folder for your homework sheets) is posted here, free of charge.</p>
      {result?.ok ? (
        <div className="alert alert--ok" role="status" tabIndex={-1} ref={status}>
          Thank you, your address is saved.
        </div>
      ) : null}
      <FormError message={result && !result.ok ? result.formError : undefined} />
      <Form method="post" className="card" noValidate>
        <SelectField name="country" label="Country" value={country} onChange={(e) => setCountry(e.target.value)} error={errors.country} options={[{ value: "", label: "Choose…" }, ...countries]} />
        <Field name="recipient" label="Name on the letterbox" defaultValue={values.recipient} error={errors.recipient} autoComplete="name" />
        <Field name="line1" label="Street and number" defaultValue={values.line1} error={errors.line1} autoComplete="address-line1" />
        <Field name="line2" label="Flat, building, floor (optional)" defaultValue={values.line2} error={errors.line2} autoComplete="address-line2" />
        <Field name="city" label={format.cityLabel} defaultValue={values.city} error={errors.city} autoComplete="address-level2" />
        {format.regionLabel ? <Field name="region" label={format.regionLabel} defaultValue={values.region} error={errors.region} autoComplete="address-level1" /> : <input type="hidden" name="region" value="" />}
        <Field name="postalCode" label={format.postalCodeLabel} hint={`For example ${format.postalCodeExample}`} defaultValue={values.postalCode} error={errors.postalCode} autoComplete="postal-code" />
        <button type="submit" className="button" disabled={busy}>
          Save my address
        </button>
      </Form>
      <p>
        <Link to="/patient">Back to my program</Link>
      </p>
    </div>
  );
}
