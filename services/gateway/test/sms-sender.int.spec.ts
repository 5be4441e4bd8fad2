// The SMS sender against a real HTTP endpoint on this machine (the operator's relay stands here).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSmsCodeSender } from "../src/auth/accounts.js";

const received: { authorization?: string; body: unknown }[] = [];
let answerWith = 200;
const server = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  received.push({ authorization: request.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
  response.writeHead(answerWith).end();
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("HttpSmsCodeSender", () => {
  it("posts the phone and a signed Chinese text with the code, with its bearer token", async () => {
    await new HttpSmsCodeSender(url, "relay-token").send("13912345678", "204817");
    expect(received.at(-1)).toEqual({ authorization: "Bearer relay-token", body: { phone: "13912345678", text: expect.stringMatching(/^【科普服务平台】.*204817.*5 分钟内有效/) } });
  });

  it("answers with a clear, retryable error when the provider refuses or cannot be reached", async () => {
    answerWith = 502;
    await expect(new HttpSmsCodeSender(url, "t").send("13912345678", "1")).rejects.toMatchObject({ code: "SMS_UNAVAILABLE", kind: "unavailable" });
    await expect(new HttpSmsCodeSender("http://127.0.0.1:9/none", "t", 500).send("13912345678", "1")).rejects.toMatchObject({ code: "SMS_UNAVAILABLE" });
  });
});
