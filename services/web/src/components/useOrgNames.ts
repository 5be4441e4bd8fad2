// Org names, never ids, on a screen. Every id a page asks for while it renders goes to the gateway
// in ONE request (GET /api/v1/names?orgIds=…, names are everyone's), each id once per visit; until
// the answer is in, the name is empty. What is not an org the registry knows (a place typed as an
// address, say) is shown as it is.
import { reactive } from "vue";
import { http, ok } from "../api/client";

const names = reactive(new Map<string, string>());
const asked = new Set<string>();
const unknown = reactive(new Set<string>());
let waiting: string[] = [];
let flushing: Promise<void> | undefined;
const looksLikeId = /^[A-Za-z0-9_.:-]{1,120}$/;
const batch = 200; // the route's limit

async function ask(ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += batch) {
    const some = ids.slice(i, i + batch);
    try {
      const answer = await ok(http.GET("/api/v1/names", { params: { query: { orgIds: some.join(",") } } }));
      for (const id of some) {
        const name = answer.names[id];
        if (name) names.set(id, name);
        else unknown.add(id);
      }
    } catch {
      for (const id of some) asked.delete(id); // asked again the next time a page shows it
    }
  }
}

/** Asks for the names of these orgs now (one request for all that are not known yet); resolves when they are in. */
export function loadOrgNames(orgIds: Iterable<string>): Promise<void> {
  for (const id of orgIds) {
    if (!id || asked.has(id) || !looksLikeId.test(id)) continue;
    asked.add(id);
    waiting.push(id);
  }
  if (!flushing) {
    // Gathered for one microtask: a table's rows all render before the request goes.
    flushing = Promise.resolve().then(async () => {
      const ids = waiting;
      waiting = [];
      flushing = undefined;
      if (ids.length) await ask(ids);
    });
  }
  return flushing;
}

/** The org's name; "" while it is being asked for; the text itself when it is no org's id. */
export function orgName(orgId: string): string {
  if (!orgId) return "";
  const known = names.get(orgId);
  if (known) return known;
  if (!looksLikeId.test(orgId) || unknown.has(orgId)) return orgId;
  void loadOrgNames([orgId]);
  return "";
}
