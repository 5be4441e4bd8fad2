/**
 * Mainland mobile numbers (1[3-9] and nine digits) as people write them: 13812345678,
 * +86 138 1234 5678, 0086-138-1234-5678, and the same inside a URL (`%2B86`, `%20` or `+` between
 * the groups). Not a part of a longer run of digits or letters (an order number, a hex id).
 */
const separator = String.raw`(?:[ -]|%20|\+)?`;
const countryCode = String.raw`(?:(?:\+|%2[Bb]|00)?86${separator})?`;
const mobileSource = String.raw`(?<![0-9A-Za-z])${countryCode}(1[3-9]\d)${separator}(\d{4})${separator}(\d{4})(?![0-9A-Za-z])`;
const mobileFound = new RegExp(mobileSource);

/** A fresh global pattern each time: a shared /g regex carries `lastIndex` between callers. */
const mobilePattern = () => new RegExp(mobileSource, "g");

/** 13812345678 → 138****5678, for every role that does not need the full number. */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, "");
  if (digits.length === 13 && digits.startsWith("86")) digits = digits.slice(2);
  if (digits.length < 7) return "*".repeat(digits.length);
  return `${digits.slice(0, 3)}${"*".repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** True when the text holds a mobile number in clear (in any of the forms above). */
export function containsPhone(text: string): boolean {
  return mobileFound.test(text);
}

/** Every mobile number in the text, as written (for reports of where one leaked). */
export function findPhones(text: string): string[] {
  return [...text.matchAll(mobilePattern())].map((match) => match[0]);
}

/** Masks every mobile number inside free text (log lines, descriptions, reasons, summaries): 138****5678. */
export function maskPhones(text: string): string {
  return text.replace(mobilePattern(), (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}

/** 张三丰 → 张**: a name shown to people who only need to recognise, not identify. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  return chars[0] + "*".repeat(chars.length - 1);
}

/** Field names that carry personal data or secrets; loggers redact them wherever they appear. */
export const personalFields = [
  "phone",
  "mobile",
  "realName",
  "idCard",
  "password",
  "passwordHash",
  "code",
  "otp",
  "token",
  "accessToken",
  "refreshToken",
  "authorization",
  "cookie",
  "guardianPhone",
] as const;

/** True for children under 14, whose data needs a guardian's consent. */
export function isMinor(birthDate: Date, now: Date): boolean {
  const fourteenth = new Date(birthDate);
  fourteenth.setFullYear(fourteenth.getFullYear() + 14);
  return now < fourteenth;
}
