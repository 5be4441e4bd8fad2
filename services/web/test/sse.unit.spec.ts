import { describe, expect, it } from "vitest";
import { parseEvents } from "../src/api/sse";
import { homeOf, label, orderStatuses, themes } from "../src/domain/labels";

describe("the live feed's event-stream parser", () => {
  it("splits complete events, keeps the unfinished rest, skips heartbeats", () => {
    const { events, rest } = parseEvents(': heartbeat\n\nevent: figures\ndata: {"orders":1}\n\nevent: figures\ndata: {"ord');
    expect(events).toEqual([{ event: "figures", data: '{"orders":1}' }]);
    expect(rest).toBe('event: figures\ndata: {"ord');
    expect(parseEvents(`${rest}ers":2}\n\n`).events).toEqual([{ event: "figures", data: '{"orders":2}' }]);
  });

  it("joins multi-line data, keeps colons in values and reads CRLF streams", () => {
    expect(parseEvents("data: a: b\r\ndata: c\r\n\r\n").events).toEqual([{ event: "message", data: "a: b\nc" }]);
  });
});

describe("labels and homes", () => {
  it("names API enum values in Chinese and English, and leaves unknown ones readable", () => {
    expect(label(orderStatuses, "ORDER_STATUS_POOLED", "zh")).toBe("已转科协");
    expect(label(orderStatuses, "ORDER_STATUS_POOLED", "en")).toBe("In the association's pool");
    expect(label(themes, "THEME_HEALTH", "zh")).toBe("卫生健康");
    expect(label(themes, "THEME_SOMETHING_NEW", "zh")).toBe("SOMETHING_NEW");
  });

  it("starts each role where its work is", () => {
    expect(homeOf("RESIDENT")).toBe("/resident/menu");
    expect(homeOf("COMMUNITY_WORKER")).toBe("/staff/orders");
    expect(homeOf("TEAM_LEADER")).toBe("/team/inbox");
    expect(homeOf("DASHBOARD_VIEWER")).toBe("/dashboard");
    expect(homeOf("DISTRICT_STAFF")).toBe("/staff/pool");
  });
});
