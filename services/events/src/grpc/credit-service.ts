import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { CreditRule as CreditRuleMessage } from "@kepu/contracts/events/v1/events_pb";
import type { CreditRecordSchema, CreditRuleSetSchema, EventsService } from "@kepu/contracts/events/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { requireId } from "@kepu/input";
import type { ServiceImplementation } from "@kepu/rpc";
import type { Credits } from "../credits.js";
import { defaultCreditRules, type CreditRecord, type CreditRule, type CreditRuleSet } from "../domain/credits.js";

type CreditMethods = Pick<ServiceImplementation<typeof EventsService>, "registerStudent" | "listMyCredits" | "listSchoolCredits" | "listCreditRules" | "setCreditRules">;

const creditMessage = ({ creditId: _id, schoolPath: _p, bookingId: _b, confirmedAt, ...c }: CreditRecord): MessageInitShape<typeof CreditRecordSchema> => ({ ...c, confirmedAt: timestampFromDate(new Date(confirmedAt)) });
const ruleSetMessage = ({ changedAt, ...set }: CreditRuleSet): MessageInitShape<typeof CreditRuleSetSchema> => ({ ...set, changedAt: timestampFromDate(new Date(changedAt)) });
const ruleOf = (r: CreditRuleMessage): CreditRule => ({ campaignId: r.campaignId, theme: r.theme, format: r.format, hoursPerCredit: r.hoursPerCredit, capPerActivity: r.capPerActivity });
const unavailable = () => kepuError("unavailable", "CREDITS_OFF", "学分服务未启用", "Credits are not enabled here");

/** 科普教育学分 over gRPC. */
export function creditService(credits: Credits | undefined): CreditMethods {
  return {
    async registerStudent(request, context) {
      if (!credits) throw unavailable();
      const s = request.student;
      const input = { name: s?.name ?? "", schoolId: s?.schoolId ? requireId(s.schoolId, "schoolId") : "", schoolName: s?.schoolName ?? "", schoolPath: (s?.schoolPath ?? []).slice(0, 10), grade: s?.grade ?? "" };
      return { student: await credits.registerStudent(input, request.child, context.actor) };
    },
    async listMyCredits(_request, context) {
      if (!credits) throw unavailable();
      const { students, credits: records } = await credits.mine(context.actor);
      return { students, credits: records.map(creditMessage) };
    },
    async listSchoolCredits(request, context) {
      if (!credits) throw unavailable();
      const records = await credits.ofSchool(requireId(request.schoolId, "schoolId"), request.schoolPath.slice(0, 10), context.actor);
      return { credits: records.map(creditMessage) };
    },
    async listCreditRules(_request, context) {
      if (!credits) throw unavailable();
      const sets = await credits.rules.list(context.actor);
      return { sets: sets.map(ruleSetMessage), defaultRule: defaultCreditRules[0] };
    },
    async setCreditRules(request, context) {
      if (!credits) throw unavailable();
      const input = { ownerOrgId: requireId(request.ownerOrgId, "ownerOrgId"), ownerPath: request.ownerPath.slice(0, 10), ownerKind: request.ownerKind, rules: request.rules.map(ruleOf), expectedVersion: request.expectedVersion };
      return { set: ruleSetMessage(await credits.rules.set(input, context.actor, { correlationId: context.correlationId })) };
    },
  };
}
