// Who is signed in, as the gateway says (/api/v1/me), shared by every page.
import { reactive } from "vue";
import { api, saveTokens, savedTokens, type Tokens } from "./api/client";

export interface Me {
  id: string;
  role: string;
  orgId: string;
  displayName: string;
}

export const session = reactive<{ me: Me | undefined }>({ me: undefined });

export async function loadMe(): Promise<Me | undefined> {
  if (!savedTokens()) return undefined;
  session.me = await api<Me>("GET", "/api/v1/me").catch(() => undefined);
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
