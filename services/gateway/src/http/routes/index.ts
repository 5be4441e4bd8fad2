// The gateway's routes: one fastify plugin per context (ENGINEERING.md, "The gateway").
import type { FastifyInstance } from "fastify";
import accounts from "./accounts.js";
import activities from "./activities.js";
import auth from "./auth.js";
import chain from "./chain.js";
import type { RouteOptions } from "./context.js";
import notifications from "./notifications.js";
import orders from "./orders.js";
import registry from "./registry.js";
import stats from "./stats.js";
import teams from "./teams.js";
import webhooks from "./webhooks.js";
import imports from "./imports.js";
import menu from "./menu.js";
import resources from "./resources.js";
import bases from "./bases.js";
import calendar from "./calendar.js";
import campaigns from "./campaigns.js";
import brands from "./brands.js";
import credits from "./credits.js";
import merges from "./merges.js";

export type { Clients } from "./context.js";

export async function registerRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  for (const plugin of [auth, accounts, registry, teams, imports, menu, resources, bases, calendar, brands, orders, merges, chain, activities, campaigns, credits, stats, notifications, webhooks]) await app.register(plugin, options);
}
