// Checks of request fields at the edge: bad input never reaches the domain or the store.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { GuardianConsent as GuardianConsentMessage } from "@kepu/contracts/registry/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { optionalText, refusePhone, requireMobile } from "@kepu/input";
import type { GuardianConsent } from "../domain/teams.js";

export { optionalId, optionalText, requireId, requireMobile } from "@kepu/input";

/** A display name of 1 to 100 characters, trimmed, never holding a phone number. */
export function requireName(value: string, field = "name"): string {
  const text = value.trim();
  if (!text || [...text].length > 100) throw kepuError("invalid", "NAME_REQUIRED", `请填写 1 到 100 字的${field === "name" ? "名称" : "姓名"}`, `${field} must be 1 to 100 characters`, field);
  return refusePhone(text, field);
}

/** A value of a protobuf enum other than its UNSPECIFIED zero. */
export function requireEnum<E extends Record<string, string | number>>(enumType: E, value: number, field: string, zh: string, en: string): number {
  if (!value || enumType[value] === undefined) throw kepuError("invalid", "BAD_CHOICE", zh, en, field);
  return value;
}

/** 监护人同意 as sent: a guardian's name and mobile and when they consented are all required. */
export function guardianConsentOf(message: GuardianConsentMessage | undefined): GuardianConsent | undefined {
  if (!message) return undefined;
  if (!message.consentedAt) throw kepuError("invalid", "CONSENT_DATE_REQUIRED", "请填写监护人同意的时间", "Give the time the guardian consented", "guardianConsent.consentedAt");
  return {
    guardianName: requireName(message.guardianName, "guardianName"),
    guardianPhone: requireMobile(message.guardianPhone),
    relationship: optionalText(message.relationship, "guardianConsent.relationship", 20),
    consentedAt: timestampDate(message.consentedAt),
  };
}
