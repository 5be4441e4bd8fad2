// Checks of request fields at the services' edges: bad input never reaches a domain or a store.
import { kepuError } from "@kepu/errors";
import { containsPhone, maskPhones } from "@kepu/privacy";

// Long enough for derived ids such as "act-<order id>".
const idPattern = /^[A-Za-z0-9_.:-]{1,120}$/;
const mobilePattern = /^1[3-9]\d{9}$/;

/** A stable id: letters, digits and `_ . : -`, at most 120 characters. */
export function requireId(value: string, field: string): string {
  if (!idPattern.test(value)) throw kepuError("invalid", "INVALID_ID", `${field} 缺失或格式不正确`, `${field} is missing or malformed`, field);
  return value;
}

/** An id that may be left empty (then `fallback`), but is well formed when given. */
export function optionalId(value: string, field: string, fallback = ""): string {
  return value ? requireId(value, field) : fallback;
}

/**
 * Free text (a description, a reason, a comment, a summary), trimmed, at most `max` characters
 * (counted as people count them, not UTF-16 units). A mobile number inside it is masked
 * (138****5678): what is stored and shown to others never holds one in clear.
 */
export function optionalText(value: string, field: string, max = 500): string {
  const text = value.trim();
  if ([...text].length > max) throw kepuError("invalid", "TEXT_TOO_LONG", `${field} 不能超过 ${max} 个字`, `${field} must be at most ${max} characters`, field);
  return maskPhones(text);
}

export function requireText(value: string, field: string, max = 500): string {
  const text = optionalText(value, field, max);
  if (!text) throw kepuError("invalid", "TEXT_REQUIRED", `请填写 ${field}`, `${field} is required`, field);
  return text;
}

/** Refuses a name that holds a mobile number: names are shown to many people, and are not masked. */
export function refusePhone(value: string, field: string): string {
  if (containsPhone(value)) throw kepuError("invalid", "PHONE_IN_NAME", `${field} 中不能包含手机号`, `${field} must not contain a phone number`, field);
  return value;
}

/**
 * A name people choose or are given (a resident's display name, a volunteer's or a team's name):
 * trimmed, at most `max` characters, never a mobile number. Empty is allowed (the caller decides
 * whether a name is required).
 */
export function optionalName(value: string, field: string, max = 100): string {
  const name = value.trim();
  if ([...name].length > max) throw kepuError("invalid", "NAME_TOO_LONG", `${field} 不能超过 ${max} 个字`, `${field} must be at most ${max} characters`, field);
  return refusePhone(name, field);
}

/** A mainland mobile number (11 digits, 1[3-9]…). */
export function requireMobile(value: string, field = "phone"): string {
  if (!mobilePattern.test(value)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", field);
  return value;
}
