// The gateway's /api/v1, with the signed-in person's tokens. An expired access token is renewed
// once with the refresh token; errors arrive as ApiError with the gateway's code and both texts.

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

/** JSON bodies are sent as JSON; a Blob (an image) as itself, with its own type. */
async function send(method: string, path: string, body: unknown, token: string | undefined, idempotencyKey?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
  if (body instanceof Blob) headers["content-type"] = body.type;
  else if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(path, { method, headers, body: body === undefined || body instanceof Blob ? body : JSON.stringify(body) });
}

/** The gateway's bilingual error, or the given words when the answer carries none. */
async function failure(response: Response, zh: string, en: string): Promise<ApiError> {
  const error = (await response.json().catch(() => ({}))) as { code?: string; messageZh?: string; messageEn?: string; message?: string };
  return new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.messageZh ?? error.message ?? zh, error.messageEn ?? error.message ?? en);
}

async function renewed(): Promise<Tokens | undefined> {
  const tokens = savedTokens();
  if (!tokens) return undefined;
  const response = await send("POST", "/api/v1/auth/refresh", { refreshToken: tokens.refreshToken }, undefined);
  if (!response.ok) {
    saveTokens(undefined);
    return undefined;
  }
  const fresh = (await response.json()) as Tokens;
  saveTokens(fresh);
  return fresh;
}

/** A random UUID; crypto.randomUUID exists only on https and localhost, getRandomValues everywhere. */
function actionKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/**
 * Calls the API as the signed-in person; throws ApiError with the gateway's bilingual message.
 * Each call is one user action: a POST carries one Idempotency-Key for it, the same on its retry
 * (after a renewed sign-in), so the gateway answers the first result again instead of doing it twice.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const key = method === "POST" ? actionKey() : undefined;
  let response = await send(method, path, body, savedTokens()?.accessToken, key);
  if (response.status === 401 && savedTokens()) {
    const fresh = await renewed();
    if (fresh) response = await send(method, path, body, fresh.accessToken, key);
  }
  if (!response.ok) throw await failure(response, "请求失败", "Request failed");
  return (await response.json()) as T;
}

/** A file the API sends (exports): downloaded in the browser under the server's file name. */
export async function download(path: string): Promise<void> {
  const response = await send("GET", path, undefined, savedTokens()?.accessToken);
  if (!response.ok) throw await failure(response, "导出失败", "Export failed");
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "export";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** Posts an image as the request body (summary photos); answers like `api`. */
export function uploadImage<T>(path: string, image: Blob): Promise<T> {
  return api<T>("POST", path, image);
}

/** An image the API serves only to signed-in people, as a URL an <img> can show. */
export async function imageObjectUrl(path: string): Promise<string> {
  const response = await send("GET", path, undefined, savedTokens()?.accessToken);
  if (!response.ok) throw await failure(response, "图片加载失败", "The image did not load");
  return URL.createObjectURL(await response.blob());
}
