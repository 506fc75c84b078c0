/** Account security calls (docs/api.md: auth and account) and the password meter's estimate. */
import { call, type Agent } from "./api";

export type LoginStep = "done" | "two_factor" | "enrol_two_factor";

export interface TwoFactorStatus {
  enabled: boolean;
  required: boolean;
  recovery_codes_left: number;
}

export interface Enrolment {
  secret: string;
  otpauth_uri: string;
}

const post = <T>(path: string, body?: unknown) =>
  call<T>(path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
const put = <T>(path: string, body: unknown) => call<T>(path, { method: "PUT", body: JSON.stringify(body) });

export const account = {
  login: (email: string, password: string) => post<{ agent: Agent; step: LoginStep }>("/auth/login", { email, password }),
  twoFactor: (code: string) => post<{ agent: Agent; step: LoginStep }>("/auth/two-factor", { code }),
  requestReset: (email: string) => post<{ message: string }>("/auth/password-reset", { email }),
  reset: (token: string, password: string) => post<undefined>("/auth/password-reset/confirm", { token, password }),
  changePassword: (current_password: string, new_password: string) =>
    put<undefined>("/me/password", { current_password, new_password }),
  logOutOthers: () => post<{ ended: number }>("/me/sessions/log-out-others"),
  twoFactorStatus: () => call<TwoFactorStatus>("/me/two-factor"),
  startEnrolment: () => post<Enrolment>("/me/two-factor/setup"),
  confirmEnrolment: (code: string) => post<{ recovery_codes: string[] }>("/me/two-factor/confirm", { code }),
  disableTwoFactor: (password: string, code: string) => post<undefined>("/me/two-factor/disable", { password, code }),
  requireTwoFactor: (required: boolean) => put<undefined>("/workspace/two-factor", { required }),
};

/** The server's minimum (agents/password_policy.py). */
export const MIN_PASSWORD_CHARS = 12;

// Fragments that make a password guessable whatever its length.
const GUESSABLE = ["password", "passw0rd", "qwerty", "123456", "abcdef", "letmein", "welcome", "iloveyou", "admin", "frontdesk"];

/**
 * 0 (too short) to 4 (strong): a rough estimate of the guesses a password takes, from
 * its length and the kinds of characters in it, less for well-known fragments and
 * repeats. It only guides; the server decides (length and its list of common passwords).
 */
export function passwordStrength(password: string): number {
  if (password.length < MIN_PASSWORD_CHARS) return 0;
  const lower = password.toLowerCase();
  if (GUESSABLE.some((g) => lower.includes(g)) || new Set(lower).size <= 3) return 1;
  const pool =
    (/[a-z]/.test(password) ? 26 : 0) +
    (/[A-Z]/.test(password) ? 26 : 0) +
    (/\d/.test(password) ? 10 : 0) +
    (/[^a-zA-Z\d]/.test(password) ? 33 : 0);
  const distinct = Math.min(password.length, new Set(password).size * 2);
  const bits = distinct * Math.log2(Math.max(pool, 2));
  if (bits < 50) return 1;
  if (bits < 65) return 2;
  if (bits < 80) return 3;
  return 4;
}
