import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { Accounts } from "./auth/accounts.js";

/** One demo account per role (README, "Demo accounts"), created when DEMO_ACCOUNTS=1. */
export const demoAccounts = [
  { account: "worker", password: "kepu-demo", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-c1", displayName: "红荔社区 李社工" },
  { account: "street", password: "kepu-demo", role: Role.STREET_STAFF, orgId: "sz-futian-yuanling", displayName: "园岭街道 陈干事" },
  { account: "district", password: "kepu-demo", role: Role.DISTRICT_STAFF, orgId: "sz-futian", displayName: "福田区科协 周老师" },
  { account: "city", password: "kepu-demo", role: Role.CITY_STAFF, orgId: "sz", displayName: "深圳市科协 吴老师" },
  { account: "leader", password: "kepu-demo", role: Role.TEAM_LEADER, orgId: "team-futian", displayName: "福田区科技志愿服务队 张队长" },
  { account: "member", password: "kepu-demo", role: Role.TEAM_MEMBER, orgId: "team-futian", displayName: "志愿者 刘同学" },
  { account: "base", password: "kepu-demo", role: Role.BASE_STAFF, orgId: "sz-futian", displayName: "福田科技馆 黄老师" },
  { account: "viewer", password: "kepu-demo", role: Role.DASHBOARD_VIEWER, orgId: "sz-futian", displayName: "统计查看 孙老师" },
  { account: "admin", password: "kepu-demo", role: Role.ADMIN, orgId: "sz", displayName: "平台管理员" },
];

export async function createDemoAccounts(accounts: Accounts): Promise<void> {
  for (const { account, password, ...caller } of demoAccounts) await accounts.create(account, password, caller);
}
