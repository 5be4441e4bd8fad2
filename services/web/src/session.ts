// Who is signed in, as the gateway says (/api/v1/me), shared by every page.
import { reactive } from "vue";
import { http, ok, saveTokens, savedTokens, type Tokens } from "./api/client";
import type { Me } from "./api/types";

export type { Me };

export const session = reactive<{ me: Me | undefined }>({ me: undefined });

export async function loadMe(): Promise<Me | undefined> {
  if (!savedTokens()) return undefined;
  session.me = await ok(http.GET("/api/v1/me")).catch(() => undefined);
  return session.me;
}

export async function signedIn(tokens: Tokens): Promise<Me | undefined> {
  saveTokens(tokens);
  return loadMe();
}

export function signOut(): void {
  saveTokens(undefined);
  session.me = undefined;
}
