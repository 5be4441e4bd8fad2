import { kepuError } from "@kepu/errors";
import type { Redis } from "@kepu/redis";

/** Where SMS go: the SMS provider in production, somewhere tests and developers can read locally. */
export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

/**
 * The platform's SMS sender contract (as the gateway's HttpSmsCodeSender): POST {phone, text} as
 * JSON with a bearer token to the provider's endpoint or the operator's relay to one.
 */
export class HttpSmsSender implements SmsSender {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async send(phone: string, text: string): Promise<void> {
    const answer = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ phone, text }),
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((error: unknown) => {
      throw kepuError("unavailable", "SMS_UNAVAILABLE", "短信暂时发不出去", `The SMS sender did not answer: ${(error as Error).message}`);
    });
    if (!answer.ok) throw kepuError("unavailable", "SMS_REFUSED", `短信发送失败（HTTP ${answer.status}）`, `The SMS sender answered HTTP ${answer.status}`);
  }
}

/** Appends each SMS to the Redis list <prefix>sms-outbox (JSON {phone, text, at}) instead of sending it. Never in production. */
export class RedisSmsOutbox implements SmsSender {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => Date,
  ) {}

  async send(phone: string, text: string): Promise<void> {
    await this.redis.rpush(`${this.prefix}sms-outbox`, JSON.stringify({ phone, text, at: this.clock().toISOString() }));
  }
}

/** Production without an SMS sender: every SMS fails with this reason (retried, then dead), none is pretended sent. */
export class NoSmsSender implements SmsSender {
  send(): Promise<void> {
    return Promise.reject(kepuError("unavailable", "SMS_NOT_CONFIGURED", "未配置短信发送（SMS_WEBHOOK_URL）", "No SMS sender is configured (SMS_WEBHOOK_URL)"));
  }
}
