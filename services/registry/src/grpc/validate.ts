// Checks of request fields at the edge: bad input never reaches the domain or the store.
import { kepuError } from "@kepu/errors";

const idPattern = /^[A-Za-z0-9_.:-]{1,80}$/;
const mobilePattern = /^1[3-9]\d{9}$/;

/** A stable id: letters, digits and `_ . : -`, at most 80 characters. */
export function requireId(value: string, field: string): string {
  if (!idPattern.test(value)) throw kepuError("invalid", "INVALID_ID", `${field} 缺失或格式不正确`, `${field} is missing or malformed`, field);
  return value;
}

/** An id that may be left empty (then `fallback`), but is well formed when given. */
export function optionalId(value: string, field: string, fallback = ""): string {
  return value ? requireId(value, field) : fallback;
}

/** A display name of 1 to 100 characters, trimmed. */
export function requireName(value: string, field = "name"): string {
  const text = value.trim();
  if (!text || [...text].length > 100) throw kepuError("invalid", "NAME_REQUIRED", `请填写 1 到 100 字的${field === "name" ? "名称" : "姓名"}`, `${field} must be 1 to 100 characters`, field);
  return text;
}

/** A mainland mobile number (11 digits, 1[3-9]…). */
export function requireMobile(value: string, field = "phone"): string {
  if (!mobilePattern.test(value)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", field);
  return value;
}

/** A value of a protobuf enum other than its UNSPECIFIED zero. */
export function requireEnum<E extends Record<string, string | number>>(enumType: E, value: number, field: string, zh: string, en: string): number {
  if (!value || enumType[value] === undefined) throw kepuError("invalid", "BAD_CHOICE", zh, en, field);
  return value;
}
