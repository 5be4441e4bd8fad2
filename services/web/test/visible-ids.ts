// People see names, never machine codes (issue 17): no visible text of a page may look like one of
// the platform's ids (sz-…, act-…, ord-…, team-…, vol-…, menu-…, base-…, res-…), a UUID, or a
// protobuf enum name (THEME_…, ROLE_…, ORDER_STATUS_…, …). Ids on hover (title attributes) are fine.
import type { Page } from "playwright-core";
import { expect } from "vitest";

export const idPatterns: RegExp[] = [
  /\b(sz|act|ord|order|team|vol|menu|base|res|bkg|ntf)-[a-z0-9][a-z0-9-]*/i,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i,
  /\b(THEME|ROLE|ORDER_STATUS|ACTIVITY_STATUS|BOOKING_STATUS|ORG_KIND|BASE_LEVEL|BASE_STATUS|FORMAT|AUDIENCE|PROVIDER_KIND)_[A-Z_]+\b/,
];

/** The lines of the page's visible text that look like a machine id. */
export async function visibleIds(page: Page): Promise<string[]> {
  const text = await page.locator("body").innerText();
  return text.split("\n").filter((line) => idPatterns.some((p) => p.test(line)));
}

/** Asserts no visible text on the page (`what` names it in the failure) looks like an id. */
export async function expectNoIds(page: Page, what: string): Promise<void> {
  expect(await visibleIds(page), `machine ids visible on ${what} (${page.url()})`).toEqual([]);
}
