// Every word the app shows: Chinese first, English second.
export const messages = {
  zh: {
    app: { name: "科普服务平台", signOut: "退出", language: "English" },
    nav: { menu: "科普菜单", myOrders: "我的点单", activities: "活动预约", myBookings: "我的预约", orders: "订单派单", pool: "科协领单", teams: "志愿服务队", overdue: "逾期总结", staffActivities: "活动管理", inbox: "接单箱", dashboard: "数据看板" },
    signIn: { title: "登录", staff: "工作人员", resident: "居民", account: "账号", password: "密码", phone: "手机号", code: "验证码", sendCode: "获取验证码", community: "所在社区编号", submit: "登录", welcome: "登录成功", codeSent: "验证码已发送" },
    menu: { order: "点单", freeTopic: "我想听的主题", freeTopicHint: "菜单里没有？写下您想了解的科普主题", participants: "预计人数", placed: "点单成功，社区将尽快派单", minutes: "分钟", capacity: "人" },
    orders: { status: "状态", title: "内容", timeline: "进度", rate: "评价", rated: "感谢您的评价", dispatch: "派单", pool: "转科协", claim: "领单", reject: "驳回", suggestions: "推荐队伍", score: "匹配分", reason: "原因", accept: "接单", decline: "婉拒", declineReason: "请填写婉拒原因", done: "操作成功", none: "暂无订单" },
    activities: { book: "预约", booked: "预约成功", waitlisted: "已进入候补，第 {n} 位", seatsLeft: "余位 {n}", qr: "签到二维码", cancel: "取消预约", publish: "发布活动", title: "活动名称", theme: "主题", startsAt: "开始时间", hours: "时长（小时）", capacity: "名额", place: "地点", attendance: "签到名单", checkIn: "签到", token: "扫码内容", summary: "图文总结", summaryText: "总结内容", complete: "完成活动", walkIns: "现场参与（未预约）人数", none: "暂无活动" },
    dashboard: { title: "科普数据看板", orders: "订单", activities: "活动", participants: "参与人次", unique: "参与人数", hours: "志愿服务时长", coverage: "社区覆盖率", byStatus: "订单状态", byArea: "各区域", live: "实时", exportCsv: "导出 CSV", exportXlsx: "导出 Excel", annualReturn: "导出科普统计年报", dimension: "维度", district: "区", street: "街道", community: "社区", theme: "主题" },
  },
  en: {
    app: { name: "Kepu science outreach", signOut: "Sign out", language: "中文" },
    nav: { menu: "Menu", myOrders: "My orders", activities: "Activities", myBookings: "My bookings", orders: "Orders", pool: "Pool", teams: "Teams", overdue: "Overdue summaries", staffActivities: "Activities", inbox: "Inbox", dashboard: "Dashboard" },
    signIn: { title: "Sign in", staff: "Staff", resident: "Resident", account: "Account", password: "Password", phone: "Phone", code: "Code", sendCode: "Send code", community: "Community id", submit: "Sign in", welcome: "Signed in", codeSent: "Code sent" },
    menu: { order: "Order", freeTopic: "A topic I'd like", freeTopicHint: "Not on the menu? Tell us what you want to learn about", participants: "Expected people", placed: "Ordered; the community will dispatch it soon", minutes: "min", capacity: "people" },
    orders: { status: "Status", title: "What", timeline: "Timeline", rate: "Rate", rated: "Thank you for rating", dispatch: "Dispatch", pool: "To the pool", claim: "Claim", reject: "Reject", suggestions: "Suggested teams", score: "Score", reason: "Why", accept: "Accept", decline: "Decline", declineReason: "Why do you decline?", done: "Done", none: "No orders" },
    activities: { book: "Book", booked: "Booked", waitlisted: "On the waitlist, number {n}", seatsLeft: "{n} seats left", qr: "Check-in QR", cancel: "Cancel booking", publish: "Publish activity", title: "Title", theme: "Theme", startsAt: "Starts", hours: "Hours", capacity: "Seats", place: "Place", attendance: "Attendance", checkIn: "Check in", token: "Scanned code", summary: "Summary", summaryText: "Summary text", complete: "Complete", walkIns: "Walk-ins (no booking)", none: "No activities" },
    dashboard: { title: "Outreach dashboard", orders: "Orders", activities: "Activities", participants: "Visits", unique: "People", hours: "Volunteer hours", coverage: "Community coverage", byStatus: "Orders by status", byArea: "By area", live: "Live", exportCsv: "Export CSV", exportXlsx: "Export Excel", annualReturn: "Annual return (xlsx)", dimension: "By", district: "District", street: "Street", community: "Community", theme: "Theme" },
  },
};
