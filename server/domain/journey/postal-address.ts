/**
 * Postal addresses for the welcome package, with the fields each country's post expects: a US address
 * needs a state and a ZIP code, a UK one a postcode (county optional), most others a postal code and a
 * town. The label prints the lines in the order that country's post reads them.
 */

export interface PostalAddress {
  recipient: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

export interface AddressFormat {
  regionLabel: string | null;
  regionRequired: boolean;
  postalCodeLabel: string;
  postalCodePattern: RegExp | null;
  postalCodeExample: string;
  cityLabel: string;
  /** Postal code before the town on the label ("1000 Sofia"), or after it ("Sofia 1000"). */
  postalCodeFirst: boolean;
}

const DEFAULT_FORMAT: AddressFormat = { regionLabel: null, regionRequired: false, postalCodeLabel: "Postal code", postalCodePattern: /^[A-Z0-9 -]{2,10}$/i, postalCodeExample: "1000", cityLabel: "Town or city", postalCodeFirst: true };

const FORMATS: Record<string, Partial<AddressFormat>> = {
  US: { regionLabel: "State", regionRequired: true, postalCodeLabel: "ZIP code", postalCodePattern: /^\d{5}(-\d{4})?$/, postalCodeExample: "10001", postalCodeFirst: false },
  CA: { regionLabel: "Province", regionRequired: true, postalCodeLabel: "Postal code", postalCodePattern: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, postalCodeExample: "K1A 0B1", postalCodeFirst: false },
  AU: { regionLabel: "State or territory", regionRequired: true, postalCodeLabel: "Postcode", postalCodePattern: /^\d{4}$/, postalCodeExample: "2000", cityLabel: "Suburb or town", postalCodeFirst: false },
  GB: { regionLabel: "County (optional)", postalCodeLabel: "Postcode", postalCodePattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, postalCodeExample: "SW1A 1AA", cityLabel: "Post town", postalCodeFirst: false },
  IE: { regionLabel: "County", postalCodeLabel: "Eircode (optional)", postalCodePattern: /^([A-Z\d]{3} ?[A-Z\d]{4})?$/i, postalCodeExample: "D02 X285", postalCodeFirst: false },
  NZ: { postalCodeLabel: "Postcode", postalCodePattern: /^\d{4}$/, postalCodeExample: "1010", postalCodeFirst: false },
  BG: { postalCodePattern: /^\d{4}$/, postalCodeExample: "1000" },
  DE: { postalCodeLabel: "Postleitzahl (PLZ)", postalCodePattern: /^\d{5}$/, postalCodeExample: "10115" },
  FR: { postalCodePattern: /^\d{5}$/, postalCodeExample: "75001" },
  ES: { regionLabel: "Province (optional)", postalCodePattern: /^\d{5}$/, postalCodeExample: "28001" },
  IT: { regionLabel: "Province (optional)", postalCodePattern: /^\d{5}$/, postalCodeExample: "00118" },
  NL: { postalCodePattern: /^\d{4} ?[A-Z]{2}$/i, postalCodeExample: "1012 AB" },
};

export function addressFormat(country: string): AddressFormat {
  return { ...DEFAULT_FORMAT, ...FORMATS[country.toUpperCase()] };
}

export type AddressErrors = Partial<Record<keyof PostalAddress, string>>;

/** Field errors in the patient's words; empty when the address can be posted. */
export function checkPostalAddress(address: PostalAddress): AddressErrors {
  const errors: AddressErrors = {};
  const format = addressFormat(address.country);
  if (!/^[A-Z]{2}$/.test(address.country)) errors.country = "Choose your country";
  if (!address.recipient.trim()) errors.recipient = "Enter the name on the letterbox";
  if (!address.line1.trim()) errors.line1 = "Enter the street and number";
  if (!address.city.trim()) errors.city = `Enter the ${format.cityLabel.toLowerCase()}`;
  if (format.regionRequired && !address.region.trim()) errors.region = `Enter the ${format.regionLabel?.toLowerCase()}`;
  const code = address.postalCode.trim();
  if (format.postalCodePattern && !format.postalCodePattern.test(code)) {
    errors.postalCode = code ? `Enter a ${format.postalCodeLabel.replace(/ \(optional\)/, "")} like ${format.postalCodeExample}` : `Enter the ${format.postalCodeLabel.toLowerCase()}`;
  }
  for (const key of ["recipient", "line1", "line2", "city", "region", "postalCode"] as const) {
    if (address[key].length > 200) errors[key] = "Keep this under 200 characters";
  }
  return errors;
}

/** The lines of the shipping label, in the order the destination's post reads them. */
export function labelLines(address: PostalAddress, countryName: string): string[] {
  const format = addressFormat(address.country);
  const code = address.postalCode.trim().toUpperCase();
  const town = format.postalCodeFirst ? [code, address.city.trim()].filter(Boolean).join(" ") : [address.city.trim(), address.region.trim(), code].filter(Boolean).join(" ");
  return [
    address.recipient.trim(),
    address.line1.trim(),
    address.line2.trim(),
    town,
    format.postalCodeFirst ? address.region.trim() : "",
    countryName.toUpperCase(),
  ].filter(Boolean);
}
