// The reason a person types before an action that matters (驳回, 转科协, 取消, 完成), checked in the
// browser by the services' own rules (@kepu/input requireText / optionalText: trimmed, counted in
// characters, at most 500 — a booking's cancel reason at most 200, the gateway's limit).
import type { Locale } from "./labels";

export interface ReasonRule {
  /** The field's label as the form shows it: errors name it, never a request field. */
  label: [zh: string, en: string];
  max: number;
  required: boolean;
}

/** What is wrong with the reason, in the reader's language; "" when it may be sent. */
export function reasonProblem(value: string, rule: ReasonRule, locale: Locale): string {
  const text = value.trim();
  const label = rule.label[locale === "zh" ? 0 : 1];
  if (rule.required && !text) return locale === "zh" ? `请填写${label}` : `${label} is required`;
  if ([...text].length > rule.max) return locale === "zh" ? `${label}不能超过 ${rule.max} 个字` : `${label} must be at most ${rule.max} characters`;
  return "";
}

// The rules of each action, as its service checks them.
export const reasonRules = {
  reject: { label: ["驳回原因", "Why it is rejected"], max: 500, required: true }, // dispatch RejectOrder: requireText
  pool: { label: ["转科协原因", "Why it goes to the association"], max: 500, required: true }, // optional at dispatch; asked here so the pool knows why
  cancelOrder: { label: ["取消原因", "Why it is cancelled"], max: 500, required: true }, // dispatch CancelOrder: requireText
  decline: { label: ["婉拒原因", "Why you decline"], max: 500, required: true }, // dispatch DeclineOrder: requireText
  cancelBooking: { label: ["取消原因", "Why you cancel"], max: 200, required: true }, // the gateway: at most 200
  noAttendance: { label: ["无人参加的原因", "Why nobody came"], max: 500, required: true }, // events: required when nobody attended
  returnPlan: { label: ["退回意见", "What to change"], max: 200, required: true }, // registry ReviewBrandPlan: a comment to return a plan
} satisfies Record<string, ReasonRule>;
