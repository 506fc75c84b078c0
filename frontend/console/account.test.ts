import { describe, expect, it } from "vitest";
import { passwordStrength } from "./account";

describe("passwordStrength", () => {
  it("calls anything under 12 characters too short", () => {
    expect(passwordStrength("Xy7#kP2!qa")).toBe(0);
  });
  it("rates well-known fragments and repeats weak, whatever the length", () => {
    expect(passwordStrength("password12345678")).toBe(1);
    expect(passwordStrength("qwertyuiopasdf")).toBe(1);
    expect(passwordStrength("aaaaaaaaaaaaaaaa")).toBe(1);
  });
  it("rates longer and more varied passwords higher", () => {
    const scores = ["lowercaseonly", "correct horse battery", "Correct horse battery staple 42!"].map(passwordStrength);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(scores[2]).toBe(4);
  });
});
