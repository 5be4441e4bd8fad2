// The gateway's /api/v1, with the signed-in person's tokens, typed from the gateway's OpenAPI
// (schema.d.ts, generated: pnpm --filter @kepu/web gen:api). An expired access token is renewed
// once with the refresh token; errors arrive as ApiError with the gateway's code and both texts.
//
//   const me = await ok(http.GET("/api/v1/me"));
//   await ok(http.POST("/api/v1/orders/{orderId}/cancel", { params: { path: { orderId } }, body: { reason } }));
import createClient from "openapi-fetch";
import type { paths } from "./schema";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(`${code}: ${messageZh} / ${messageEn}`);
  }
}

const storageKey = "kepu.tokens";

export function savedTokens(): Tokens | undefined {
  const raw = localStorage.getItem(storageKey);
  return raw ? (JSON.parse(raw) as Tokens) : undefined;
}

export function saveTokens(tokens: Tokens | undefined): void {
  if (tokens) localStorage.setItem(storageKey, JSON.stringify(tokens));
  else localStorage.removeItem(storageKey);
}

/** The gateway without anyone's token: only for renewing one (a 401 there is no reason to renew again). */
const open = createClient<paths>();

let renewing: Promise<Tokens | undefined> | undefined;

/**
 * New tokens for the refresh token, or undefined (signed out). Calls answered 401 at the same time
 * share one renewal: the gateway replaces a refresh token at every use, so a second one would fail.
 */
function renewed(): Promise<Tokens | undefined> {
  renewing ??= (async () => {
    const tokens = savedTokens();
    if (!tokens) return undefined;
    const { data } = await open.POST("/api/v1/auth/refresh", { body: { refreshToken: tokens.refreshToken } }).catch(() => ({ data: undefined }));
    saveTokens(data);
    return data;
  })().finally(() => (renewing = undefined));
  return renewing;
}

/** A random UUID; crypto.randomUUID exists only on https and localhost, getRandomValues everywhere. */
function actionKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/**
 * fetch as the signed-in person. Each call is one user action: a POST carries one Idempotency-Key
 * for it, the same on its retry after a renewed sign-in, so the gateway answers the first result
 * again instead of doing it twice.
 */
async function asSignedIn(request: Request): Promise<Response> {
  if (request.method === "POST" && !request.headers.has("idempotency-key")) request.headers.set("idempotency-key", actionKey());
  const retry = request.clone();
  const send = (r: Request, token: string | undefined) => {
    if (token) r.headers.set("authorization", `Bearer ${token}`);
    return fetch(r);
  };
  const response = await send(request, savedTokens()?.accessToken);
  if (response.status !== 401 || !savedTokens()) return response;
  const fresh = await renewed();
  return fresh ? send(retry, fresh.accessToken) : response;
}

/** The typed client: `http.GET(path, { params })`, `http.POST(path, { params, body })`, … — answers through `ok`. */
export const http = createClient<paths>({ fetch: asSignedIn });

type Bilingual = { code?: string; messageZh?: string; messageEn?: string; message?: string };

/** The gateway's bilingual error, or the given words when the answer carries none. */
function failure(status: number, body: unknown, zh: string, en: string): ApiError {
  const error = (typeof body === "object" && body ? body : {}) as Bilingual;
  return new ApiError(status, error.code ?? `HTTP_${status}`, error.messageZh ?? error.message ?? zh, error.messageEn ?? error.message ?? en);
}

/** What a typed call answered; throws ApiError with the gateway's bilingual message when it failed. */
export async function ok<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>, zh = "请求失败", en = "Request failed"): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw failure(response.status, error, zh, en);
  return data as T;
}

/**
 * A typed call by method and path string, for pages not yet written against `http` (same tokens,
 * renewal and Idempotency-Key). New code: `ok(http.GET(…))`.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body instanceof Blob) headers["content-type"] = body.type;
  else if (body !== undefined) headers["content-type"] = "application/json";
  const response = await asSignedIn(new Request(path, { method, headers, body: body === undefined || body instanceof Blob ? body : JSON.stringify(body) }));
  const text = await response.text();
  const answer = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw failure(response.status, answer, "请求失败", "Request failed");
  return answer as T;
}

/** A file the API sends (exports), asked for with `parseAs: "blob"`: downloaded in the browser under the server's file name. */
export async function saveFile(pending: Promise<{ data?: Blob; error?: unknown; response: Response }>): Promise<void> {
  const { response } = await pending;
  const file = await ok(pending, "导出失败", "Export failed");
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "export";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(file);
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** An image the API serves only to signed-in people (the URL the gateway gave for it), as a URL an <img> can show. */
export async function imageObjectUrl(path: string): Promise<string> {
  const response = await asSignedIn(new Request(path));
  if (!response.ok) throw failure(response.status, await response.json().catch(() => undefined), "图片加载失败", "The image did not load");
  return URL.createObjectURL(await response.blob());
}

/** A Blob sent as the request body with its own type (summary photos), for `http.POST(…, { body, ...asImage(body) })`. */
export const asImage = (image: Blob) => ({ bodySerializer: (body: unknown) => body as Blob, headers: { "content-type": image.type } });
