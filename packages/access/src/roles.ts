import { Role } from "@kepu/contracts/common/v1/envelope_pb";

// The role groups PRODUCT.md speaks of. One definition: every service and the gateway use these.

/** Staff of the org tree: 社区工作者 / 网格员, 街道, 区科协, 市科协. */
export const orgStaff: readonly Role[] = [Role.COMMUNITY_WORKER, Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF];

/** The associations (街道科协, 区科协, 市科协): they claim pooled orders, review, certify, keep teams and accounts. */
export const associations: readonly Role[] = [Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF];

/** Associations that may change the org tree: the city for the city, the district within its district. */
export const treeKeepers: readonly Role[] = [Role.DISTRICT_STAFF, Role.CITY_STAFF];

/** "All staff": the org tree's staff and the staff of 科普基地. */
export const staff: readonly Role[] = [...orgStaff, Role.BASE_STAFF];

/** People of a volunteer team (科技志愿服务队): their actor's org is the team. */
export const teamPeople: readonly Role[] = [Role.TEAM_LEADER, Role.TEAM_MEMBER];

/** Who reads figures, exports and the annual return for their subtree. */
export const figureReaders: readonly Role[] = [...orgStaff, Role.DASHBOARD_VIEWER];

/** Every role a person can sign in with. */
export const people: readonly Role[] = [Role.RESIDENT, ...staff, ...teamPeople, Role.DASHBOARD_VIEWER, Role.ADMIN];

/**
 * How far up the tree a role reaches; an account may only be given a role no higher than its
 * creator's. Roles off the org ladder (teams, bases, viewers) rank with the community worker.
 */
const rank: Partial<Record<Role, number>> = {
  [Role.RESIDENT]: 0,
  [Role.TEAM_MEMBER]: 1,
  [Role.TEAM_LEADER]: 1,
  [Role.BASE_STAFF]: 1,
  [Role.DASHBOARD_VIEWER]: 1,
  [Role.COMMUNITY_WORKER]: 1,
  [Role.STREET_STAFF]: 2,
  [Role.DISTRICT_STAFF]: 3,
  [Role.CITY_STAFF]: 4,
  [Role.ADMIN]: 5,
  [Role.SYSTEM]: 6,
};

/** Whether someone in `granter` may give an account the role `granted`. */
export function mayGrantRole(granter: Role, granted: Role): boolean {
  const from = rank[granter];
  const to = rank[granted];
  return from !== undefined && to !== undefined && granted !== Role.SYSTEM && to <= from && granter !== Role.RESIDENT;
}
