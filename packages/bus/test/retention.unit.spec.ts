import { describe, expect, it } from "vitest";
import { historyLosses, retentionRefusal, topicSettings } from "../src/retention.js";

describe("retention of domain topics", () => {
  it("accepts a topic that keeps every event, whether the setting is its own or the broker's", () => {
    expect(historyLosses(topicSettings.domain)).toEqual([]);
    expect(historyLosses({ "cleanup.policy": "delete", "retention.ms": "-1" })).toEqual([]);
    expect(retentionRefusal("kepu.dispatch.v1", topicSettings.domain, "127.0.0.1:19092")).toBeUndefined();
  });

  it("refuses a finite retention by time or size, and compaction, naming each and the command that fixes them", () => {
    const refusal = retentionRefusal("kepu.dispatch.v1", { "cleanup.policy": "compact,delete", "retention.ms": "259200000", "retention.bytes": "1073741824" }, "kafka:9092");
    expect(refusal?.code).toBe("TOPIC_LOSES_HISTORY");
    const command = "kafka-configs.sh --bootstrap-server kafka:9092 --alter --entity-type topics --entity-name kepu.dispatch.v1 --add-config cleanup.policy=delete,retention.ms=-1,retention.bytes=-1";
    expect(refusal?.en).toContain("cleanup.policy=compact,delete, retention.ms=259200000, retention.bytes=1073741824");
    expect(refusal?.en).toContain(`Run: ${command}`);
    expect(refusal?.zh).toContain(`请执行：${command}`);
  });

  it("asks to change only what is wrong", () => {
    const refusal = retentionRefusal("kepu.events.v1", { "cleanup.policy": "delete", "retention.ms": "259200000", "retention.bytes": "-1" }, "b:1");
    expect(refusal?.en).toMatch(/--add-config retention\.ms=-1 \(/);
  });

  it("gives dead-letter topics a stated retention of 30 days", () => {
    expect(topicSettings["dead-letter"]["retention.ms"]).toBe(String(30 * 24 * 3_600_000));
    expect(historyLosses(topicSettings["dead-letter"]).map((l) => l.name)).toEqual(["retention.ms"]);
  });
});
