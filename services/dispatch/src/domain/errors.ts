import { kepuError } from "@kepu/errors";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";

/** Chinese names of the statuses, for messages people read. */
export const statusZh: Record<OrderStatus, string> = {
  [OrderStatus.UNSPECIFIED]: "未知",
  [OrderStatus.SUBMITTED]: "已点单",
  [OrderStatus.DISPATCHED]: "已派单",
  [OrderStatus.POOLED]: "已转科协",
  [OrderStatus.CLAIMED]: "科协已领单",
  [OrderStatus.ACCEPTED]: "已接单",
  [OrderStatus.SCHEDULED]: "已排期",
  [OrderStatus.DELIVERED]: "已完成",
  [OrderStatus.RATED]: "已评价",
  [OrderStatus.CANCELLED]: "已取消",
  [OrderStatus.REJECTED]: "已驳回",
};

export const orderErrors = {
  notFound: (orderId: string) => kepuError("not_found", "ORDER_NOT_FOUND", `订单 ${orderId} 不存在`, `Order ${orderId} does not exist`),
  alreadyExists: (orderId: string) => kepuError("conflict", "ORDER_ALREADY_EXISTS", `订单 ${orderId} 已存在`, `Order ${orderId} already exists`),
  alreadyAccepted: () => kepuError("conflict", "ORDER_ALREADY_ACCEPTED", "订单已被其他队伍接单", "The order has already been accepted by another team"),
  wrongStatus: (action: { zh: string; en: string }, status: OrderStatus) =>
    kepuError("conflict", "ORDER_WRONG_STATUS", `订单当前状态为"${statusZh[status]}"，不能${action.zh}`, `An order that is ${OrderStatus[status]} cannot be ${action.en}`),
  teamNotInvited: (teamId: string) => kepuError("conflict", "TEAM_NOT_INVITED", `队伍 ${teamId} 未被派单，不能接单或拒单`, `Team ${teamId} was not dispatched this order`),
  teamAlreadyDeclined: (teamId: string) => kepuError("conflict", "TEAM_ALREADY_DECLINED", `队伍 ${teamId} 已拒绝此订单`, `Team ${teamId} has already declined this order`),
  noTeams: () => kepuError("invalid", "NO_TEAMS", "请至少选择一支队伍", "Choose at least one team", "teamIds"),
  teamDeclinedBefore: (teamId: string) => kepuError("invalid", "TEAM_DECLINED_BEFORE", `队伍 ${teamId} 已拒绝过此订单，请选择其他队伍`, `Team ${teamId} declined this order before; choose another`, "teamIds"),
  reasonRequired: () => kepuError("invalid", "REASON_REQUIRED", "请填写原因", "A reason is required", "reason"),
  badScore: () => kepuError("invalid", "BAD_SCORE", "评分须为 1 到 5 分", "The score must be from 1 to 5", "score"),
  notRequester: () => kepuError("forbidden", "NOT_REQUESTER", "只有点单人可以评价", "Only the person who ordered can rate"),
  notYourScope: () => kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "该订单不在您的管辖范围内", "This order is outside your area"),
  roleNotAllowed: (zh: string, en: string) => kepuError("forbidden", "ROLE_NOT_ALLOWED", `您的角色不能${zh}`, `Your role cannot ${en}`),
  notYourTeam: () => kepuError("forbidden", "NOT_YOUR_TEAM", "只能以您自己的队伍接单或拒单", "You can only act for your own team"),
};
