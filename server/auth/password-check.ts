import { type PasswordProblem, PASSWORD_PROBLEM_TEXT, passwordProblem } from "../domain/password-policy";

let common: Promise<ReadonlySet<string>> | undefined;

/** ~49,000 common and leaked passwords, shipped offline with @zxcvbn-ts/language-common; loaded once, on first use. */
function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import("@zxcvbn-ts/language-common").then((m) => new Set((m.dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase())));
  return common;
}

/** The message to show on the password field, or null when the password is acceptable. */
export async function passwordIssue(password: string, context: { email?: string; name?: string } = {}): Promise<{ problem: PasswordProblem; message: string } | null> {
  const problem = passwordProblem(password, context, await commonPasswords());
  return problem ? { problem, message: PASSWORD_PROBLEM_TEXT[problem] } : null;
}
