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

/**
 * One axe run: its serious and critical violations on the page as it stands, one line each with up
 * to three of the elements, and whether anything began to animate while it ran (a toast closing, a popper
 * opening): then the colours it measured were halfway and the run says nothing.
 */
async function axeRun(page: Page): Promise<{ violations: string[]; moved: boolean }> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axeScript });
  const { violations, moved } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: object, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    let began = false;
    const note = () => (began = true);
    const kinds = ["transitionrun", "animationstart"] as const;
    for (const kind of kinds) document.addEventListener(kind, note, true);
    try {
      // Not what Vue is taking away (a toast's leave transition: its colours are halfway; CI, 2 December, contrast 1.x).
      const { violations } = await axe.run({ exclude: [['[class*="-leave-active"]']] }, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
      return { moved: began, violations: violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160), failureSummary: n.failureSummary })) })) };
    } finally {
      for (const kind of kinds) document.removeEventListener(kind, note, true);
    }
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  return {
    moved,
    violations: serious.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.html} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`).join(" | ")}${v.nodes.length > 3 ? ` … ${v.nodes.length} in all` : ""}`),
  };
}

/**
 * Asserts axe finds no serious or critical violation on the page (`what` names it in the failure);
 * a soft assertion: the journey goes on, and the test fails with every page's findings.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  let run = { violations: [] as string[], moved: false };
  // A run during which something began to move is measured again once the page is still (CI, 2 December:
  // the sign-in toast began to fade while axe read its colours: contrast 3.8).
  for (let attempt = 0; attempt < 3 && (attempt === 0 || (run.moved && run.violations.length > 0)); attempt++) {
    await settled(page);
    run = await axeRun(page);
  }
  expect.soft(run.violations, `axe on ${what} (${page.url()})`).toEqual([]);
}

/**
 * Until no finite animation or transition is still running: axe measures colours as they stand, and
 * a toast, a dropdown or a tree node fading in is lighter than it will be (on a busy machine
 * transitions last long enough to be caught halfway).
 */
export function settled(page: Page): Promise<unknown> {
  return page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Infinity), undefined, { timeout: 15_000 });
}
