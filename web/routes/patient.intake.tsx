import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { rolesAccess } from "../../server/access/access";
import { isCountryCode } from "../../server/domain/journey/eligibility";
import { getEligibility, getIntake, saveIntake } from "../../server/services/journey";
import { FormError } from "../components/field";
import {
  ChoiceGroup,
  CONCERN_LABEL,
  CONDITION_LABEL,
  EligibilityNotice,
  ErrorText,
  SelectField,
  SIDE_LABEL,
  SPECIAL_CAUSE_LABEL,
  TextAreaField,
} from "../components/journey";
import { actorOf, answering, formObject } from "../components/journey.server";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "About your palsy · Facial palsy rehabilitation" }];

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function countries(): { value: string; label: string }[] {
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  const out: { value: string; label: string }[] = [];
  for (const a of LETTERS) for (const b of LETTERS) if (isCountryCode(a + b)) out.push({ value: a + b, label: names.of(a + b) ?? a + b });
  return out.sort((x, y) => x.label.localeCompare(y.label, "en"));
}

function timeZones(current: string): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes(current) ? zones : [current, ...zones];
}

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  const [intake, eligibility] = await answering(() => Promise.all([getIntake(context.services, actor), getEligibility(context.services, actor)]));
  const timeZone = intake?.timeZone ?? context.session!.user.timeZone;
  return {
    intake: intake && { ...intake, updatedAt: intake.updatedAt.toISOString() },
    eligibility,
    timeZone,
    timeZones: timeZones(timeZone),
    countries: countries(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await formObject(request, ["specialCauses", "concerns"]);
  const result = await saveIntake(context.services, actorOf(context), fields);
  if (!result.ok) return { ok: false as const, fieldErrors: result.fieldErrors, formError: result.formError ?? "Please correct the fields marked below.", values: fields };
  return { ok: true as const };
}

export default function Intake() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = (result && !result.ok ? result.fieldErrors : {}) as Record<string, string>;
  // After a refused save, the form shows what the patient typed, not the stored intake.
  const typed = result && !result.ok ? (result.values as Record<string, string | string[]>) : null;
  const value = (key: string): string => {
    const v = typed ? typed[key] : (data.intake as Record<string, unknown> | null)?.[key];
    return typeof v === "string" ? v : "";
  };
  const list = (key: string): string[] => {
    const v = typed ? typed[key] : (data.intake as Record<string, unknown> | null)?.[key];
    return Array.isArray(v) ? (v as string[]) : [];
  };
  const option = (labels: Record<string, string>) => Object.entries(labels).map(([v, label]) => ({ value: v, label }));
  const saved = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Save is at the bottom of a long form and the result at the top: take the reader to it, or to the first wrong answer.
    if (result?.ok) {
      saved.current?.focus();
      saved.current?.scrollIntoView({ block: "start" });
    } else if (result) {
      const first = document.querySelector<HTMLElement>("[aria-invalid=true]") ?? document.querySelector<HTMLElement>(".alert--error");
      first?.scrollIntoView({ block: "center" });
      first?.focus();
    }
  }, [result]);
  return (
    <div className="journey-form">
      <h1>About your palsy</h1>
      <p className="lead">Your answers help your specialist prepare the consultation. Only you and your therapist can read them.</p>
      {result?.ok ? (
        <div className="alert alert--ok" role="status" tabIndex={-1} ref={saved} data-testid="intake-saved">
          Thank you, your answers are saved.
        </div>
      ) : null}
      {data.eligibility ? (
        <section aria-labelledby="eligibility-title">
          <h2 id="eligibility-title">Your eligibility</h2>
          <EligibilityNotice eligibility={data.eligibility} />
        </section>
      ) : null}
      <FormError message={result && !result.ok ? result.formError : undefined} />
      <Form method="post" className="card" noValidate>
        <SelectField
          name="condition"
          label="Diagnosed condition"
          defaultValue={value("condition")}
          error={errors.condition}
          options={[{ value: "", label: "Choose…" }, ...option(CONDITION_LABEL)]}
        />
        <ChoiceGroup
          name="specialCauses"
          legend="Was the palsy caused by any of these? (tick all that apply)"
          type="checkbox"
          options={option(SPECIAL_CAUSE_LABEL)}
          checked={list("specialCauses")}
          error={errors.specialCauses}
          hint="Leave all unticked if none applies."
        />
        <ChoiceGroup name="affectedSide" legend="Affected side of the face" type="radio" options={option(SIDE_LABEL)} checked={[value("affectedSide")]} error={errors.affectedSide} />
        <div className="field">
          <label htmlFor="field-onsetDate">Date the palsy started</label>
          <span className="hint" id="field-onsetDate-hint">
            An approximate date is fine.
          </span>
          <input
            id="field-onsetDate"
            name="onsetDate"
            type="date"
            defaultValue={value("onsetDate")}
            aria-invalid={errors.onsetDate ? true : undefined}
            aria-describedby={errors.onsetDate ? "field-onsetDate-hint field-onsetDate-error" : "field-onsetDate-hint"}
          />
          <ErrorText id="field-onsetDate" error={errors.onsetDate} />
        </div>
        <SelectField
          name="country"
          label="Country you live in"
          defaultValue={value("country")}
          error={errors.country}
          options={[{ value: "", label: "Choose…" }, ...data.countries]}
        />
        <SelectField
          name="timeZone"
          label="Your time zone"
          hint="All times are shown to you in this zone."
          defaultValue={value("timeZone") || data.timeZone}
          error={errors.timeZone}
          options={data.timeZones.map((z) => ({ value: z, label: z.replace(/_/g, " ") }))}
        />
        <ChoiceGroup
          name="concerns"
          legend="What would you like to address? (tick all that apply)"
          type="checkbox"
          options={option(CONCERN_LABEL)}
          checked={list("concerns")}
          error={errors.concerns}
        />
        <TextAreaField name="freeText" label="Anything else you want your specialist to know" defaultValue={value("freeText")} error={errors.freeText} maxLength={4000} />
        <SelectField
          name="preferredTimeOfDay"
          label="Preferred time of day for sessions (optional)"
          defaultValue={value("preferredTimeOfDay")}
          error={errors.preferredTimeOfDay}
          options={[
            { value: "", label: "No preference" },
            { value: "morning", label: "Morning" },
            { value: "afternoon", label: "Afternoon" },
            { value: "evening", label: "Evening" },
          ]}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Saving…" : "Save my answers"}
        </button>
      </Form>
      <p>
        <Link to="/patient">Back to my program</Link>
      </p>
    </div>
  );
}
