/**
 * Structured creditor references (ISO 11649, "RF" references): the patient copies one into their bank
 * transfer and the desk matches the payment to its invoice without guessing. The check digits make a
 * mistyped reference detectable, as IBAN check digits do (same mod-97 rule).
 */

function mod97(digits: string): number {
  let remainder = 0;
  for (const ch of digits) remainder = (remainder * 10 + Number(ch)) % 97;
  return remainder;
}

/** Letters count as 10–35, as in IBANs. */
function numeric(value: string): string {
  return [...value].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
}

/** "RF18 INV0 0004 2", grouped by four for reading; `body` is 1–21 letters or digits. */
export function creditorReference(body: string): string {
  const clean = body.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (clean.length < 1 || clean.length > 21) throw new Error("A creditor reference holds 1 to 21 letters or digits");
  const check = 98 - mod97(numeric(`${clean}RF00`));
  const reference = `RF${String(check).padStart(2, "0")}${clean}`;
  return reference.replace(/(.{4})(?=.)/g, "$1 ");
}

/** True for a well-formed reference whose check digits match (spaces ignored). */
export function isValidCreditorReference(value: string): boolean {
  const clean = value.toUpperCase().replace(/\s+/g, "");
  if (!/^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(clean)) return false;
  return mod97(numeric(`${clean.slice(4)}${clean.slice(0, 4)}`)) === 1;
}
