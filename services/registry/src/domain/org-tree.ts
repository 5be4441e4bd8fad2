import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";

/** Where a record sits in the org tree: its org, every ancestor (root first), and its district, street and community. */
export interface Place {
  orgId: string;
  path: string[];
  districtId: string;
  streetId: string;
  communityId: string;
}

// The tree: 市 → 区 → 街道 → 社区. 科协 sits under the city or a district; the 文明实践 tree
// (中心 → 所 → 站 → 实践点) and 党群服务中心 hang under the administrative node they serve.
const allowedParents: Record<OrgKind, OrgKind[]> = {
  [OrgKind.UNSPECIFIED]: [],
  [OrgKind.CITY]: [],
  [OrgKind.DISTRICT]: [OrgKind.CITY],
  [OrgKind.STREET]: [OrgKind.DISTRICT],
  [OrgKind.COMMUNITY]: [OrgKind.STREET],
  [OrgKind.ASSOCIATION]: [OrgKind.CITY, OrgKind.DISTRICT],
  [OrgKind.PRACTICE_CENTER]: [OrgKind.CITY, OrgKind.DISTRICT],
  [OrgKind.PRACTICE_INSTITUTE]: [OrgKind.PRACTICE_CENTER],
  [OrgKind.PRACTICE_STATION]: [OrgKind.PRACTICE_INSTITUTE],
  [OrgKind.PRACTICE_POINT]: [OrgKind.PRACTICE_STATION],
  [OrgKind.PARTY_SERVICE_CENTER]: [OrgKind.STREET, OrgKind.COMMUNITY],
  [OrgKind.SCHOOL]: [OrgKind.DISTRICT, OrgKind.STREET],
};

/** Each kind's name as users say it: in Chinese (the template's and the reports' word), and in English. */
export const orgKindNames: Record<OrgKind, { zh: string; en: string }> = {
  [OrgKind.UNSPECIFIED]: { zh: "未指定类型的组织", en: "organization of no kind" },
  [OrgKind.CITY]: { zh: "市", en: "city" },
  [OrgKind.DISTRICT]: { zh: "区", en: "district" },
  [OrgKind.STREET]: { zh: "街道", en: "street" },
  [OrgKind.COMMUNITY]: { zh: "社区", en: "community" },
  [OrgKind.ASSOCIATION]: { zh: "科协", en: "science association" },
  [OrgKind.PRACTICE_CENTER]: { zh: "新时代文明实践中心", en: "civilization practice centre" },
  [OrgKind.PRACTICE_INSTITUTE]: { zh: "新时代文明实践所", en: "civilization practice institute" },
  [OrgKind.PRACTICE_STATION]: { zh: "新时代文明实践站", en: "civilization practice station" },
  [OrgKind.PRACTICE_POINT]: { zh: "新时代文明实践点", en: "civilization practice point" },
  [OrgKind.PARTY_SERVICE_CENTER]: { zh: "党群服务中心", en: "Party and public service centre" },
  [OrgKind.SCHOOL]: { zh: "学校", en: "school" },
};

const nameOf = (kind: OrgKind) => orgKindNames[kind] ?? { zh: `类型 ${kind}`, en: `kind ${kind}` };

/** "A community cannot sit under a district", in the kinds' own names. */
const wrongParentKind = (kind: OrgKind, parentKind: OrgKind) => {
  const [child, parent] = [nameOf(kind), nameOf(parentKind)];
  const article = /^[aeiou]/i.test(child.en) ? "An" : "A";
  return kepuError("invalid", "WRONG_PARENT_KIND", `${child.zh}不能设在${parent.zh}之下`, `${article} ${child.en} cannot sit under a ${parent.en}`, "parentId");
};

export interface OrgNode {
  orgId: string;
  kind: OrgKind;
  place: Place;
}

/** Where a new organization sits, from its parent; or why it cannot sit there. */
export function placeUnder(parent: OrgNode | undefined, orgId: string, kind: OrgKind): Result<Place> {
  const parents = allowedParents[kind] ?? [];
  if (kind === OrgKind.CITY) {
    if (parent) return fail(kepuError("invalid", "CITY_HAS_NO_PARENT", "市级组织不能有上级", "A city has no parent", "parentId"));
    return ok({ orgId, path: [orgId], districtId: "", streetId: "", communityId: "" });
  }
  if (!parent) return fail(kepuError("invalid", "PARENT_REQUIRED", "请选择上级组织", "Choose the parent organization", "parentId"));
  if (!parents.includes(parent.kind)) {
    return fail(wrongParentKind(kind, parent.kind));
  }
  const up = parent.place;
  return ok({
    orgId,
    path: [...up.path, orgId],
    districtId: kind === OrgKind.DISTRICT ? orgId : up.districtId,
    streetId: kind === OrgKind.STREET ? orgId : up.streetId,
    communityId: kind === OrgKind.COMMUNITY ? orgId : up.communityId,
  });
}

/** Whether a place lies in the subtree of `orgId` (the place's path holds every ancestor). */
export function isWithin(place: Pick<Place, "path">, orgId: string): boolean {
  return place.path.includes(orgId);
}
