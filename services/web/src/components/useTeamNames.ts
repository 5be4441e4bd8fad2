// Team names, never ids, on a screen: the teams one may read, asked of the gateway once.
import { reactive } from "vue";
import { http, ok } from "../api/client";

const names = reactive(new Map<string, string>());
let asked: Promise<void> | undefined;

export function loadTeamNames(again = false): Promise<void> {
  if (!asked || again) {
    asked = ok(http.GET("/api/v1/teams", { params: { query: { pageSize: 200 } } }))
      .then((answer) => answer.teams.forEach((team) => names.set(team.teamId, team.name)))
      .catch(() => (asked = undefined));
  }
  return asked;
}

export function teamName(teamId: string): string {
  void loadTeamNames();
  return names.get(teamId) ?? teamId;
}
