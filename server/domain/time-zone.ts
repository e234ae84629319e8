const zones = new Set<string>([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC"]);

/** IANA zones the runtime knows (what the browser offers in the list and the server can compute with). */
export function isValidTimeZone(value: string): boolean {
  if (zones.has(value)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/");
  } catch {
    return false;
  }
}
