/** What one fault scenario checked, with the numbers, so a run reads as evidence. */
export interface ScenarioReport {
  scenario: string;
  sent: number;
  stored: number;
  counted: number;
  deadLettered: number;
  /** A booking storm's outcome, when the scenario ran one: seated + in line, and the line's check. */
  storm?: string;
  /** How long the scenario took, load and audit included. */
  seconds?: number;
  /** Empty when the scenario passed; otherwise the first missing or duplicated item, named. */
  problems: string[];
}

export function printReports(reports: ScenarioReport[]): void {
  console.table(
    reports.map((r) => ({
      scenario: r.scenario,
      sent: r.sent,
      stored: r.stored,
      counted: r.counted,
      "dead-lettered": r.deadLettered,
      storm: r.storm ?? "",
      seconds: r.seconds ?? "",
      result: r.problems.length === 0 ? "ok" : `FAIL: ${r.problems[0]}`,
    })),
  );
}

/** Names the first item sent but not found, and the first found more than once. */
export function compareIds(label: string, sent: string[], found: string[]): string[] {
  const seen = new Map<string, number>();
  for (const id of found) seen.set(id, (seen.get(id) ?? 0) + 1);
  const missing = sent.find((id) => !seen.has(id));
  const doubled = [...seen].find(([, n]) => n > 1)?.[0];
  return [...(missing ? [`${label} ${missing} is missing`] : []), ...(doubled ? [`${label} ${doubled} counted twice`] : [])];
}
