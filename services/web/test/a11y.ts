// Accessibility in the journeys (issue 17): axe-core, injected into the page as the browser loads
// it, finds no serious or critical violation of WCAG 2 A/AA (contrast, names of controls, alt texts,
// labels) on what the page shows.
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/** axe's serious and critical violations on the page as it stands, one line each, with up to three of the elements. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const { violations } = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160), failureSummary: n.failureSummary })) }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.html} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`).join(" | ")}${v.nodes.length > 3 ? ` … ${v.nodes.length} in all` : ""}`);
}

/**
 * Asserts axe finds no serious or critical violation on the page (`what` names it in the failure);
 * a soft assertion: the journey goes on, and the test fails with every page's findings.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await settled(page);
  expect.soft(await seriousViolations(page), `axe on ${what} (${page.url()})`).toEqual([]);
}

/**
 * Until no finite animation or transition is still running: axe measures colours as they stand, and
 * a toast, a dropdown or a tree node fading in is lighter than it will be (on a busy machine
 * transitions last long enough to be caught halfway).
 */
export function settled(page: Page): Promise<unknown> {
  return page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Infinity), undefined, { timeout: 15_000 });
}
