/** Small pieces the journey pages share: labels, date formats, form controls with their errors, notices. */
import { Link } from "@remix-run/react";
import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

export const CONDITION_LABEL: Record<string, string> = {
  bells_palsy: "Bell's palsy",
  ramsay_hunt: "Ramsay Hunt syndrome",
  other_peripheral: "Other peripheral facial palsy",
};

export const SPECIAL_CAUSE_LABEL: Record<string, string> = {
  congenital: "Present from birth (congenital)",
  trauma: "Caused by an injury or an operation (trauma)",
  tumour: "Related to a tumour",
};

export const SIDE_LABEL: Record<string, string> = { left: "Left side", right: "Right side", both: "Both sides" };

export const CONCERN_LABEL: Record<string, string> = {
  asymmetric_smile: "Asymmetric smile",
  pain_tension: "Pains and tensions in the face",
  incomplete_recovery: "Incomplete recovery",
  crocodile_tears: "Excessive tears when eating (“crocodile tears”)",
  synkinesis: "Synkinesis (parts of the face moving together)",
  headaches: "Headaches",
  neck_shoulder_tension: "Neck or shoulder tension",
  tinnitus: "Tinnitus",
  deeper_nasolabial_fold: "Deeper nasolabial fold",
  chin_dimpling: "Chin dimpling",
  other: "Something else (describe below)",
};

export const STATUS_LABEL: Record<string, string> = {
  consultation_booked: "Consultation booked",
  consultation_done: "Consultation held",
  awaiting_plan: "Waiting for session dates",
  plan_proposed: "Dates proposed",
  module1_in_progress: "Module 1 in progress",
  conclusion_due: "Conclusion session due",
  conclusion_planned: "Conclusion session planned",
  decision_pending: "Decision pending",
  module2_in_progress: "Module 2 in progress",
  extension_in_progress: "Extension in progress",
  clinic_visit_planned: "Clinic visit planned",
  finished: "Finished",
  not_suitable: "Not suitable for the online program",
  cancelled: "Cancelled",
};

/** What was agreed at the conclusion session, as the patient reads it. */
export const DECISION_RESULT: Record<string, string> = {
  module2: "continue with module 2 (6 more sessions)",
  extend3: "extend your program by 3 sessions",
  extend6: "extend your program by 6 sessions",
  clinic_visit: "continue with a visit to the clinic",
  finish: "finish the program; supporting sessions remain available whenever you would like one",
};

export const WEEKDAY_LABEL = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A calendar date (YYYY-MM-DD) as people read it; no zone involved. */
export function formatIsoDate(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${date}T00:00:00Z`));
}

/** A day heading for lists grouped by the viewer's local date. */
export function formatDayHeading(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" }).format(new Date(`${date}T00:00:00Z`));
}

function describedBy(id: string, hint?: ReactNode, error?: string): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

export function ErrorText({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <span className="field-error" id={`${id}-error`} role="alert">
      {error}
    </span>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  name: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  options: { value: string; label: string }[];
}

export function SelectField({ name, label, error, hint, options, id, ...rest }: SelectFieldProps) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <span className="hint" id={`${fieldId}-hint`}>
          {hint}
        </span>
      ) : null}
      <select id={fieldId} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fieldId, hint, error)} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ErrorText id={fieldId} error={error} />
    </div>
  );
}

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  name: string;
  label: string;
  error?: string;
  hint?: ReactNode;
}

export function TextAreaField({ name, label, error, hint, id, ...rest }: TextAreaFieldProps) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <span className="hint" id={`${fieldId}-hint`}>
          {hint}
        </span>
      ) : null}
      <textarea id={fieldId} name={name} rows={4} aria-invalid={error ? true : undefined} aria-describedby={describedBy(fieldId, hint, error)} {...rest} />
      <ErrorText id={fieldId} error={error} />
    </div>
  );
}

/** A group of checkboxes or radios with a legend, and one error for the group. */
export function ChoiceGroup({
  name,
  legend,
  type,
  options,
  checked,
  error,
  hint,
}: {
  name: string;
  legend: string;
  type: "checkbox" | "radio";
  options: { value: string; label: string }[];
  checked: readonly string[];
  error?: string;
  hint?: ReactNode;
}) {
  const id = `field-${name}`;
  return (
    <fieldset className="choices" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}>
      <legend>{legend}</legend>
      {hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {options.map((o) => (
        <label key={o.value} className="choice">
          <input type={type} name={name} value={o.value} defaultChecked={checked.includes(o.value)} /> {o.label}
        </label>
      ))}
      <ErrorText id={id} error={error} />
    </fieldset>
  );
}

export type EligibilityView =
  | { status: "eligible" }
  | { status: "not_yet"; eligibleFrom: string; message: string }
  | { status: "not_for_online"; reason: string; message: string };

/** The eligibility outcome in plain words: never a silent refusal, always the next possible step. */
export function EligibilityNotice({ eligibility, showBookLink = true }: { eligibility: EligibilityView; showBookLink?: boolean }) {
  if (eligibility.status === "eligible") {
    return (
      <div className="alert alert--ok" role="status" data-testid="eligibility">
        <strong>You can take part in the online program.</strong> The first step is a 40-minute video consultation with a specialist.
        {showBookLink ? (
          <>
            {" "}
            <Link to="/patient/book">Book your consultation</Link>.
          </>
        ) : null}
      </div>
    );
  }
  if (eligibility.status === "not_yet") {
    return (
      <div className="alert alert--warn" role="status" data-testid="eligibility">
        <strong>Not yet eligible for the online program.</strong> The program starts once natural recovery has reached its plateau, some months
        after the palsy began. You will be eligible from <strong data-testid="eligible-from">{formatIsoDate(eligibility.eligibleFrom)}</strong>.
        You can already book a consultation to discuss your situation.
        {showBookLink ? (
          <>
            {" "}
            <Link to="/patient/book">Book a consultation</Link>.
          </>
        ) : null}
      </div>
    );
  }
  return (
    <div className="alert alert--warn" role="status" data-testid="eligibility">
      <strong>The online program is not offered for your situation.</strong> {eligibility.message}
      {showBookLink ? (
        <>
          {" "}
          <Link to="/patient/book">Book a consultation</Link> or contact the clinic.
        </>
      ) : null}
    </div>
  );
}

/** The clinic's address, e-mail and phone as set by the admin; what "contact the clinic" means. */
export function ClinicContactDetails({ contact }: { contact: { address: string; email: string; phone: string } }) {
  if (!contact.address && !contact.email && !contact.phone) return <p className="muted">The clinic's contact details are not published yet; reply to any e-mail from the clinic.</p>;
  return (
    <address className="clinic-contact" data-testid="clinic-contact">
      {contact.email ? (
        <>
          E-mail: <a href={`mailto:${contact.email}`}>{contact.email}</a>
          <br />
        </>
      ) : null}
      {contact.phone ? (
        <>
          Phone: <a href={`tel:${contact.phone.replace(/[^+0-9]/g, "")}`}>{contact.phone}</a>
          <br />
        </>
      ) : null}
      {contact.address ? <span className="clinic-contact__address">{contact.address}</span> : null}
    </address>
  );
}
