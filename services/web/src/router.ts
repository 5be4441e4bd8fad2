import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { homeOf } from "./domain/labels";
import { loadMe, session } from "./session";

const staffRoles = ["COMMUNITY_WORKER", "STREET_STAFF", "DISTRICT_STAFF", "CITY_STAFF", "ADMIN"];
// Webhooks are kept by admins and associations, for their subtree (PRODUCT.md's matrix).
const webhookRoles = ["STREET_STAFF", "DISTRICT_STAFF", "CITY_STAFF", "ADMIN"];
// Staff accounts, the org tree's keeping and bulk imports: admins and the associations, for their subtree.
const accountKeepers = ["STREET_STAFF", "DISTRICT_STAFF", "CITY_STAFF", "ADMIN"];
const routes: RouteRecordRaw[] = [
  { path: "/sign-in", component: () => import("./views/SignIn.vue"), meta: { public: true } },
  { path: "/resident/menu", component: () => import("./views/resident/MenuPage.vue"), meta: { roles: ["RESIDENT"] } },
  { path: "/resident/menu/:itemId", component: () => import("./views/resident/MenuItemPage.vue"), meta: { roles: ["RESIDENT"] } },
  { path: "/resident/profile", component: () => import("./views/resident/ProfilePage.vue"), meta: { roles: ["RESIDENT"] } },
  { path: "/resident/orders", component: () => import("./views/resident/MyOrders.vue"), meta: { roles: ["RESIDENT"] } },
  { path: "/resident/activities", component: () => import("./views/resident/ActivitiesPage.vue"), meta: { roles: ["RESIDENT"] } },
  { path: "/resident/bookings", component: () => import("./views/resident/MyBookings.vue"), meta: { roles: ["RESIDENT"] } },
  { path: "/resident/credits", component: () => import("./views/resident/MyCredits.vue"), meta: { roles: ["RESIDENT"] } }, // 我的学分
  { path: "/staff/orders", component: () => import("./views/staff/OrdersPage.vue"), meta: { roles: staffRoles } },
  // 代点单: a community worker orders for a resident of her community (dispatch allows it to workers only).
  { path: "/staff/proxy-order", component: () => import("./views/staff/ProxyOrderPage.vue"), meta: { roles: ["COMMUNITY_WORKER"] } },
  { path: "/staff/merges", component: () => import("./views/staff/MergePage.vue"), meta: { roles: ["COMMUNITY_WORKER", "STREET_STAFF"] } }, // 合并需求
  { path: "/staff/pool", component: () => import("./views/staff/PoolPage.vue"), meta: { roles: staffRoles } },
  { path: "/staff/teams", component: () => import("./views/staff/TeamsPage.vue"), meta: { roles: staffRoles } },
  { path: "/staff/overdue", component: () => import("./views/staff/OverduePage.vue"), meta: { roles: staffRoles } },
  // Campaigns as data (活动节点): everyone on the staff reads them, the city and districts keep them; each one's roll-up and export.
  { path: "/staff/campaigns", component: () => import("./views/staff/CampaignsPage.vue"), meta: { roles: [...staffRoles, "BASE_STAFF"] } },
  // 科普教育学分 credit rules: all staff read them; the city and district associations set theirs (the events service checks).
  { path: "/staff/credit-rules", component: () => import("./views/staff/CreditRules.vue"), meta: { roles: staffRoles } },
  // A school's credits and their xlsx: the school's own account (base staff at the school) and the associations above it.
  { path: "/staff/school-credits", component: () => import("./views/staff/SchoolCredits.vue"), meta: { roles: [...staffRoles, "BASE_STAFF"] } },
  { path: "/staff/campaigns/:campaignId/rollup", component: () => import("./views/staff/CampaignRollup.vue"), meta: { roles: [...staffRoles, "DASHBOARD_VIEWER"] } },
  { path: "/staff/bases", component: () => import("./views/staff/BasesPage.vue"), meta: { roles: [...staffRoles, "BASE_STAFF"] } },
  { path: "/staff/activities", component: () => import("./views/staff/ActivitiesAdmin.vue"), meta: { roles: [...staffRoles, "BASE_STAFF"] } },
  { path: "/team/inbox", component: () => import("./views/leader/TeamInbox.vue"), meta: { roles: ["TEAM_LEADER", "TEAM_MEMBER"] } },
  { path: "/admin/webhooks", component: () => import("./views/admin/WebhooksPage.vue"), meta: { roles: webhookRoles } },
  // An order's whole chain, for whoever may read the order (dispatch decides; the page shows what it answers).
  { path: "/orders/:orderId", component: () => import("./views/OrderChainPage.vue"), meta: { roles: ["RESIDENT", ...staffRoles, "TEAM_LEADER", "TEAM_MEMBER"] } },
  // Issue 15's registry pages, for the roles PRODUCT.md's matrix gives them.
  { path: "/staff/accounts", component: () => import("./views/staff/AccountsPage.vue"), meta: { roles: accountKeepers } },
  { path: "/staff/orgs", component: () => import("./views/staff/OrgTreePage.vue"), meta: { roles: accountKeepers } },
  { path: "/staff/teams/:teamId", component: () => import("./views/staff/TeamDetail.vue"), meta: { roles: [...staffRoles, "TEAM_LEADER", "TEAM_MEMBER"] } },
  { path: "/staff/imports", component: () => import("./views/staff/ImportsPage.vue"), meta: { roles: accountKeepers } },
  // Issue 16's 名录 and menu: the directory for all staff and team leaders, its review for the
  // associations, the menu kept by its providers (and withdrawn by the district).
  { path: "/staff/resources", component: () => import("./views/staff/ResourceDirectory.vue"), meta: { roles: [...staffRoles, "BASE_STAFF", "TEAM_LEADER"] } },
  { path: "/staff/resource-review", component: () => import("./views/staff/ResourceReview.vue"), meta: { roles: accountKeepers } },
  { path: "/staff/menu-admin", component: () => import("./views/staff/MenuAdmin.vue"), meta: { roles: ["TEAM_LEADER", "BASE_STAFF", "DISTRICT_STAFF", "CITY_STAFF", "ADMIN"] } },
  // A bookable resource's calendar (any staff, and the providers who book it); a mobile resource's
  // rotation (the events service lets only the owning org or an admin plan it).
  { path: "/resources/:resourceId/calendar", component: () => import("./views/staff/ResourceCalendar.vue"), meta: { roles: [...staffRoles, "BASE_STAFF", "TEAM_LEADER"] } },
  { path: "/resources/:resourceId/rotation/:month", component: () => import("./views/staff/RotationPlanner.vue"), meta: { roles: [...staffRoles, "BASE_STAFF"] } },
  { path: "/dashboard", component: () => import("./views/DashboardPage.vue"), meta: { roles: [...staffRoles, "DASHBOARD_VIEWER"] } },
  // 一社区一科普品牌: a community's brand page (everyone signed in reads it; plan against done for staff), and the roll-up by street and district.
  { path: "/brand/:communityId", component: () => import("./views/staff/BrandPage.vue"), meta: { roles: ["RESIDENT", ...staffRoles, "BASE_STAFF", "DASHBOARD_VIEWER"] } },
  { path: "/brand-rollup", component: () => import("./views/staff/BrandRollup.vue"), meta: { roles: [...accountKeepers, "DASHBOARD_VIEWER"] } },
  // "/" renders nothing itself: the guard below sends it to the signed-in person's home or to the
  // sign-in page (so the catch-all's redirect to "/" ends there instead of looping).
  { path: "/", component: { render: () => null } },
  { path: "/:rest(.*)*", redirect: "/" },
];

export const router = createRouter({ history: createWebHistory(), routes });

// Pages are for the roles that may use them; the gateway enforces the same on every call.
router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const me = session.me ?? (await loadMe());
  if (!me) return "/sign-in";
  const roles = to.meta.roles as string[] | undefined;
  if (to.path === "/" || (roles && !roles.includes(me.role))) return homeOf(me.role);
  return true;
});
