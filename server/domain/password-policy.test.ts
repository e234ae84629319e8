import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";

const common = new Set(["password", "qwertyuiop", "letmein", "123qweasdzxc", "iloveyou"]);

describe("password policy", () => {
  it.each([
    ["short", "too_short"],
    ["x".repeat(129), "too_long"],
    ["123qweasdzxc", "common"],
    ["Password1234!", "common"],
    ["!!iloveyou2024", "common"],
    ["aaaaaaaaaaaa", "repetitive"],
    ["abababababab", "repetitive"],
    ["123456789012", "repetitive"],
    ["abcdefghijklm", "repetitive"],
    ["zyxwvutsrqpon", "repetitive"],
    ["qwertyuiopas", "repetitive"],
    ["vera.visitor2024", "personal"],
  ] as const)("%s → %s", (pw, problem) => {
    expect(passwordProblem(pw, { email: "vera.visitor@example.com", name: "Vera Visitor" }, common)).toBe(problem);
  });

  it.each(["correct horse battery", "my palsy is getting better", "Tea at 5 with Anna!", "visitor of the clinic in May"])("accepts %s", (pw) => {
    expect(passwordProblem(pw, { email: "vera@example.com", name: "Vera Visitor" }, common)).toBeNull();
  });
});
