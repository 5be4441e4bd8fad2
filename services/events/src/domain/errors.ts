import { calendar } from "@kepu/calendar";
import { kepuError } from "@kepu/errors";
import { localTime } from "./rules.js";

const day = (at: Date) => calendar.dayKey(at);
const beijing = (at: Date) => localTime(at);

export const activityErrors = {
  notFound: (id: string) => kepuError("not_found", "ACTIVITY_NOT_FOUND", `活动 ${id} 不存在`, `Activity ${id} does not exist`),
  sessionNotFound: (id: string) => kepuError("not_found", "SESSION_NOT_FOUND", `场次 ${id} 不存在`, `Session ${id} does not exist`, "sessionId"),
  bookingNotFound: (id: string) => kepuError("not_found", "BOOKING_NOT_FOUND", `预约 ${id} 不存在`, `Booking ${id} does not exist`),
  notOpen: () => kepuError("conflict", "ACTIVITY_NOT_OPEN", "活动已结束或已取消", "The activity is over or cancelled"),
  started: () => kepuError("conflict", "SESSION_STARTED", "该场次已开始，不能再预约", "The session has started; booking is closed"),
  waitlistFull: () => kepuError("conflict", "WAITLIST_FULL", "名额已满，候补名单也已满", "No seats left and the waitlist is full"),
  limitReached: (max: number) => kepuError("conflict", "BOOKING_LIMIT", `每人最多同时预约 ${max} 场`, `You can hold at most ${max} bookings at a time`),
  cutoffPassed: (hours: number) => kepuError("conflict", "CANCEL_CUTOFF_PASSED", `开始前 ${hours} 小时内不能取消预约`, `Bookings cannot be cancelled within ${hours} hours of the start`),
  resourceBusy: (id: string, by: { title: string; startsAt: Date; endsAt: Date; sessionId: string }) =>
    kepuError("conflict", "RESOURCE_BUSY", `资源 ${id} 在此时段已被「${by.title}」占用（北京时间 ${beijing(by.startsAt)} 至 ${beijing(by.endsAt)}，场次 ${by.sessionId}）`, `Resource ${id} is already reserved then by "${by.title}" (${beijing(by.startsAt)} to ${beijing(by.endsAt)} Beijing time, session ${by.sessionId})`, "sessions"),
  staffOnly: () => kepuError("forbidden", "STAFF_ONLY", "仅工作人员可查看资源日程", "Only staff can read a resource's calendar"),
  badMonth: (month: string) => kepuError("invalid", "BAD_MONTH", `月份须为 YYYY-MM（收到 ${month}）`, `The month must be YYYY-MM (got ${month})`, "month"),
  badToken: () => kepuError("invalid", "BAD_CHECK_IN_TOKEN", "签到码无效", "The check-in code is not valid", "token"),
  notSeated: () => kepuError("conflict", "NOT_SEATED", "该预约尚未获得座位（候补中或已取消）", "This booking has no seat (waitlisted or cancelled)"),
  alreadyCheckedIn: () => kepuError("conflict", "ALREADY_CHECKED_IN", "已签到的预约不能取消", "A booking that has checked in cannot be cancelled"),
  summaryMissing: () => kepuError("conflict", "SUMMARY_MISSING", "请先提交图文总结", "File the summary (图文总结) first"),
  cannotRate: () => kepuError("forbidden", "CANNOT_RATE", "只有签到的参与者或点单人可以评价", "Only attendees who checked in, or the requester, can rate"),
  // Seats held for the ordering communities (issue 19).
  seatsHeld: (reason: "hold_used" | "held_for_others") =>
    reason === "hold_used"
      ? kepuError("conflict", "COMMUNITY_HOLD_TAKEN", "本社区预留名额已满，其余名额为其他下单社区预留，预留期结束后开放", "Your community's reserved seats are taken; the other seats are held for the other ordering communities until the reservation period ends")
      : kepuError("conflict", "SEATS_HELD_FOR_COMMUNITIES", "剩余名额为下单社区预留，预留期结束后开放", "The remaining seats are reserved for the ordering communities until the reservation period ends"),
  notYourStudent: (studentId: string) => kepuError("forbidden", "STUDENT_NOT_YOURS", `学生 ${studentId} 不是您登记的孩子`, `Student ${studentId} is not a child you registered`, "studentId"),
  residentsOnly: () => kepuError("forbidden", "RESIDENTS_ONLY", "请以居民身份预约", "Book as a resident"),
  signIn: () => kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first"),
  // Time windows (issue 14).
  sessionInPast: (startsAt: Date) => kepuError("invalid", "SESSION_IN_PAST", `场次开始时间（${day(startsAt)}）已过，不能新建已开始的场次`, `A session cannot start in the past (${day(startsAt)})`, "sessions.startsAt"),
  bookingClosed: (minutes: number) => kepuError("conflict", "BOOKING_CLOSED", `场次开始前 ${minutes} 分钟起停止预约`, `Booking closes ${minutes} minutes before the session starts`),
  checkInNotOpen: (minutes: number) => kepuError("conflict", "CHECK_IN_NOT_OPEN", `签到在场次开始前 ${minutes} 分钟开放`, `Check-in opens ${minutes} minutes before the session starts`),
  checkInClosed: () => kepuError("conflict", "CHECK_IN_CLOSED", "场次已结束，不能再签到", "The session has ended; check-in is closed"),
  badServiceTime: () => kepuError("invalid", "BAD_SERVICE_TIME", "结束时间须晚于开始时间", "The end must be after the start", "endedAt"),
  hoursInFuture: () => kepuError("invalid", "HOURS_IN_FUTURE", "服务尚未结束，不能记录未来的服务时长", "Service hours cannot end in the future", "endedAt"),
  hoursOutsideSessionDay: (days: string[]) => kepuError("invalid", "HOURS_OUTSIDE_SESSION_DAY", `服务时长须在活动场次当天（${days.join("、")}，北京时间）`, `Service hours must fall on a session's day (${days.join(", ")}, Beijing time)`, "startedAt"),
  notYetHeld: (endsAt: Date) => kepuError("conflict", "ACTIVITY_NOT_YET_HELD", `活动尚未结束（最后一场于 ${day(endsAt)} 结束），不能完成`, `The activity has not been held yet (its last session ends on ${day(endsAt)})`),
  nobodyAttended: () => kepuError("invalid", "NO_ATTENDANCE", "没有签到或现场参与的人：请填写现场人数，或说明无人参加的原因", "Nobody checked in or walked in: give the walk-ins, or the reason nobody came", "noAttendanceReason"),
  // References (issue 14): what the registry says exists.
  registeredElsewhere: (id: string) => kepuError("conflict", "REGISTERED_TO_OTHER_CAMPAIGN", `该活动已报备到活动节点 ${id}`, `This activity is already registered to campaign ${id}`, "campaignId"),
  campaignNotFound: (id: string) => kepuError("invalid", "CAMPAIGN_NOT_FOUND", `活动节点 ${id} 不存在`, `There is no campaign ${id}`, "campaignId"),
  resourceNotListed: (id: string) => kepuError("invalid", "RESOURCE_NOT_LISTED", `场地/资源 ${id} 不在科普资源名录中`, `Resource ${id} is not in the resource directory (科普资源名录)`, "sessions.resourceId"),
  volunteerNotInTeam: (volunteerId: string, teamId: string) => kepuError("invalid", "VOLUNTEER_NOT_IN_TEAM", `志愿者 ${volunteerId} 不是队伍 ${teamId} 的成员`, `Volunteer ${volunteerId} is not a member of team ${teamId}`, "volunteerId"),
  teamRequired: () => kepuError("invalid", "TEAM_REQUIRED", "请注明志愿者所在的队伍", "Name the volunteer's team", "teamId"),
  wrongTeam: (teamId: string) => kepuError("invalid", "WRONG_TEAM", `该活动由队伍 ${teamId} 承办`, `This activity is delivered by team ${teamId}`, "teamId"),
  notYours: () => kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "该活动不在您的管辖范围内", "This activity is outside your area"),
};
