import { describe, expect, it } from "vitest";
import { addressFormat, checkPostalAddress, labelLines, type PostalAddress } from "./postal-address";

const base: PostalAddress = { recipient: "Rosa Martín", line1: "350 Fifth Avenue", line2: "Apt 21", city: "New York", region: "NY", postalCode: "10118", country: "US" };

describe("postal addresses by country", () => {
  it("a US address needs a state and a ZIP code; the label reads 'New York NY 10118'", () => {
    expect(checkPostalAddress(base)).toEqual({});
    expect(checkPostalAddress({ ...base, region: "", postalCode: "1011" })).toEqual({ region: "Enter the state", postalCode: "Enter a ZIP code like 10001" });
    expect(labelLines(base, "United States")).toEqual(["Rosa Martín", "350 Fifth Avenue", "Apt 21", "New York NY 10118", "UNITED STATES"]);
  });

  it("a UK postcode is checked; the county is optional", () => {
    const uk = { ...base, line2: "", city: "London", region: "", postalCode: "SW1A 1AA", country: "GB" };
    expect(checkPostalAddress(uk)).toEqual({});
    expect(checkPostalAddress({ ...uk, postalCode: "12345" }).postalCode).toContain("SW1A 1AA");
    expect(addressFormat("GB").postalCodeLabel).toBe("Postcode");
  });

  it("Bulgaria: four-digit code before the town on the label", () => {
    const bg = { ...base, line2: "", city: "Sofia", region: "", postalCode: "1000", country: "BG" };
    expect(checkPostalAddress(bg)).toEqual({});
    expect(labelLines(bg, "Bulgaria")).toEqual(["Rosa Martín", "350 Fifth Avenue", "1000 Sofia", "BULGARIA"]);
  });

  it("any country: a name, a street and a town are required", () => {
    expect(checkPostalAddress({ recipient: " ", line1: "", line2: "", city: "", region: "", postalCode: "", country: "NZ" })).toMatchObject({
      recipient: expect.any(String),
      line1: expect.any(String),
      city: expect.any(String),
      postalCode: "Enter the postcode",
    });
  });
});
