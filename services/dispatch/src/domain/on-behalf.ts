// 代点单: a community worker (in her capacity as 社区工作者, 网格员 or 科普中国信息员) places an order
// for a resident of her community, who becomes its requester. Pure rules: who may, for whom, and
// that the resident's consent is recorded. The placer is the caller, never what a request says.
import { create } from "@bufbuild/protobuf";
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import type { OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { ConsentMethod, OnBehalfSchema, PlacerCapacity, type OnBehalf } from "@kepu/contracts/dispatch/v1/events_pb";

/** How the resident agreed, as the timeline says it (Chinese, English). */
export const consentWords: Record<ConsentMethod, [string, string]> = {
  [ConsentMethod.UNSPECIFIED]: ["未记录", "not recorded"],
  [ConsentMethod.ORAL]: ["口头确认", "agreed in person"],
  [ConsentMethod.PHONE]: ["电话确认", "agreed by phone"],
  [ConsentMethod.WRITTEN]: ["书面确认", "agreed in writing"],
};

export const onBehalfErrors = {
  consentRequired: () =>
    kepuError("invalid", "CONSENT_REQUIRED", "请选择居民的同意方式（口头、电话或书面）", "Choose how the resident agreed: in person, by phone or in writing", "onBehalfOf.consent"),
  residentNameRequired: () => kepuError("invalid", "RESIDENT_NAME_REQUIRED", "请填写居民姓名", "Give the resident's name", "onBehalfOf.name"),
  residentRequired: () => kepuError("invalid", "RESIDENT_REQUIRED", "请选择要代为点单的居民", "Choose the resident to order for", "onBehalfOf.residentId"),
  noteTooLong: () => kepuError("invalid", "CONSENT_NOTE_TOO_LONG", "同意说明最多 200 字", "The consent note is at most 200 characters", "onBehalfOf.consentNote"),
  residentCannotPlace: () => kepuError("forbidden", "RESIDENT_CANNOT_ORDER_FOR_OTHERS", "居民只能为自己点单，不能代他人点单", "A resident orders for herself only, never for someone else"),
  onlyWorkers: () => kepuError("forbidden", "ONLY_WORKERS_ORDER_FOR_RESIDENTS", "只有社区工作者、网格员或科普中国信息员可以代点单", "Only community workers, grid workers and informants order for a resident"),
  notYourCommunity: () => kepuError("forbidden", "RESIDENT_NOT_IN_YOUR_COMMUNITY", "该居民不在您所在的社区，不能代为点单", "This resident does not live in your community", "onBehalfOf"),
  notForYourself: () => kepuError("invalid", "NOT_FOR_YOURSELF", "代点单须为居民下单，不能为自己", "An order on behalf is for a resident, not for yourself", "onBehalfOf.residentId"),
};

/**
 * The 代点单 as recorded, or why not: the placer is a community worker (a resident never orders
 * for another), the order's community is within her own, the resident lives in that community, and
 * how the resident agreed is given. The placer's id and name come from the caller.
 */
export function placeOnBehalf(placer: Actor | undefined, asked: OnBehalf, community: OrgPlace | undefined): Result<OnBehalf> {
  if (placer?.role === Role.RESIDENT) return fail(onBehalfErrors.residentCannotPlace());
  if (placer?.role !== Role.COMMUNITY_WORKER) return fail(onBehalfErrors.onlyWorkers());
  if (!(asked.consent in ConsentMethod) || asked.consent === ConsentMethod.UNSPECIFIED) return fail(onBehalfErrors.consentRequired());
  const residentName = asked.residentName.trim();
  if (!residentName) return fail(onBehalfErrors.residentNameRequired());
  if (!asked.residentId) return fail(onBehalfErrors.residentRequired());
  if (asked.residentId === placer.id) return fail(onBehalfErrors.notForYourself());
  const consentNote = asked.consentNote.trim();
  if (consentNote.length > 200) return fail(onBehalfErrors.noteTooLong());
  if (!community || !community.path.includes(placer.orgId) || asked.residentCommunityId !== community.orgId) return fail(onBehalfErrors.notYourCommunity());
  const capacity = asked.capacity in PlacerCapacity && asked.capacity !== PlacerCapacity.UNSPECIFIED ? asked.capacity : PlacerCapacity.COMMUNITY_WORKER;
  return ok(create(OnBehalfSchema, { ...asked, placedById: placer.id, placedByName: placer.displayName, capacity, residentName, consentNote }));
}

/** What the order's timeline says of its 点单: "由 王芳 代为点单（电话确认）", then English. */
export function onBehalfReason(onBehalf: OnBehalf): string {
  const [zh, en] = consentWords[onBehalf.consent] ?? consentWords[ConsentMethod.UNSPECIFIED];
  const name = onBehalf.placedByName || "社区工作者";
  const note = onBehalf.consentNote ? `：${onBehalf.consentNote}` : "";
  return `由 ${name} 代为点单（${zh}${note}） / Ordered on the resident's behalf by ${name} (${en}${onBehalf.consentNote ? `: ${onBehalf.consentNote}` : ""})`;
}
