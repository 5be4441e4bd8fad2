import { kepuError } from "@kepu/errors";

export const activityErrors = {
  notFound: (id: string) => kepuError("not_found", "ACTIVITY_NOT_FOUND", `活动 ${id} 不存在`, `Activity ${id} does not exist`),
  sessionNotFound: (id: string) => kepuError("not_found", "SESSION_NOT_FOUND", `场次 ${id} 不存在`, `Session ${id} does not exist`, "sessionId"),
  bookingNotFound: (id: string) => kepuError("not_found", "BOOKING_NOT_FOUND", `预约 ${id} 不存在`, `Booking ${id} does not exist`),
  notOpen: () => kepuError("conflict", "ACTIVITY_NOT_OPEN", "活动已结束或已取消", "The activity is over or cancelled"),
  started: () => kepuError("conflict", "SESSION_STARTED", "该场次已开始，不能再预约", "The session has started; booking is closed"),
  waitlistFull: () => kepuError("conflict", "WAITLIST_FULL", "名额已满，候补名单也已满", "No seats left and the waitlist is full"),
  limitReached: (max: number) => kepuError("conflict", "BOOKING_LIMIT", `每人最多同时预约 ${max} 场`, `You can hold at most ${max} bookings at a time`),
  cutoffPassed: (hours: number) => kepuError("conflict", "CANCEL_CUTOFF_PASSED", `开始前 ${hours} 小时内不能取消预约`, `Bookings cannot be cancelled within ${hours} hours of the start`),
  resourceBusy: (id: string) => kepuError("conflict", "RESOURCE_BUSY", "该场地在此时段已被占用", `The venue ${id} is already booked for that time`, "sessions"),
  badToken: () => kepuError("invalid", "BAD_CHECK_IN_TOKEN", "签到码无效", "The check-in code is not valid", "token"),
  notSeated: () => kepuError("conflict", "NOT_SEATED", "该预约尚未获得座位（候补中或已取消）", "This booking has no seat (waitlisted or cancelled)"),
  summaryMissing: () => kepuError("conflict", "SUMMARY_MISSING", "请先提交图文总结", "File the summary (图文总结) first"),
  cannotRate: () => kepuError("forbidden", "CANNOT_RATE", "只有签到的参与者或点单人可以评价", "Only attendees who checked in, or the requester, can rate"),
  residentsOnly: () => kepuError("forbidden", "RESIDENTS_ONLY", "请以居民身份预约", "Book as a resident"),
  signIn: () => kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first"),
  notYours: () => kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "该活动不在您的管辖范围内", "This activity is outside your area"),
};
