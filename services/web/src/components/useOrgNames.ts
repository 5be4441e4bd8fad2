// Org names, never ids, on a screen: each org is asked of the gateway once (names are public to
// everyone signed in) and shown by its id until the name arrives.
import { reactive } from "vue";
import { api } from "../api/client";

const names = reactive(new Map<string, string>());
const asked = new Set<string>();

export function orgName(orgId: string): string {
  if (!orgId) return "";
  if (!asked.has(orgId)) {
    asked.add(orgId);
    api<{ organization?: { name?: string } }>("GET", `/api/v1/orgs/${encodeURIComponent(orgId)}`)
      .then((answer) => answer.organization?.name && names.set(orgId, answer.organization.name))
      .catch(() => asked.delete(orgId));
  }
  return names.get(orgId) ?? orgId;
}
