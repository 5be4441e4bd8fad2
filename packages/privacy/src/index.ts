/** Mainland mobile numbers: 11 digits starting with 1. */
const mobilePattern = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;

/** 13812345678 → 138****5678, for every role that does not need the full number. */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, "");
  if (digits.length === 13 && digits.startsWith("86")) digits = digits.slice(2);
  if (digits.length < 7) return "*".repeat(digits.length);
  return `${digits.slice(0, 3)}${"*".repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** Masks every mobile number inside free text (log lines, exported notes). */
export function maskPhonesInText(text: string): string {
  return text.replace(mobilePattern, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
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
