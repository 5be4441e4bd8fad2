// The use cases of 科普教育学分: a resident says she is a student (or a parent adds a child); a
// check-in the organizer confirms at an activity marked 计学分 becomes one credit record with its
// CreditAwarded event; the student (or parent) reads hers; a school's staff and the associations
// above it read the school's (for the export).
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { v7 as uuidv7 } from "uuid";
import { newEvent } from "@kepu/bus";
import { requireAccess } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { CreditAwardedSchema } from "@kepu/contracts/events/v1/events_pb";
import type { Result } from "@kepu/errors";
import type { OutboxRelay } from "@kepu/outbox";
import type { Cause } from "./activities.js";
import type { CreditRules } from "./credit-rules.js";
import { creditId, decideCredit, validateStudent, type CreditRecord, type Student, type StudentInput } from "./domain/credits.js";
import { attendeeOf } from "./domain/booking.js";
import { activityErrors } from "./domain/errors.js";
import type { ActivityStore, BookingRecord } from "./store/activity-store.js";
import type { CreditStore } from "./store/credit-store.js";

const must = <T>(result: Result<T>): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

export class Credits {
  constructor(
    private readonly store: CreditStore,
    private readonly activities: ActivityStore,
    private readonly relay: OutboxRelay,
    private readonly clock: () => Date,
    /** The credit rules as the associations set them, read at each check-in (the built-in default where none fits). */
    readonly rules: CreditRules,
  ) {}

  /** The resident herself as a student (her id is the student's), or a child of hers (a new id each). */
  async registerStudent(input: StudentInput, child: boolean, actor: Actor | undefined): Promise<Student> {
    requireAccess("student.register", actor, {});
    const valid = must(validateStudent(input));
    const student: Student = { ...valid, studentId: child ? `stu-${uuidv7()}` : actor!.id, guardianId: child ? actor!.id : "" };
    await this.store.saveStudent(student);
    return student;
  }

  /** A child the caller registered (guardian = caller), to book a seat for; a student not hers is refused. */
  async childOf(studentId: string, actor: Actor | undefined): Promise<{ studentId: string; name: string }> {
    if (!actor) throw activityErrors.signIn();
    const student = await this.store.student(studentId);
    if (!student || student.guardianId !== actor.id) throw activityErrors.notYourStudent(studentId);
    return { studentId: student.studentId, name: student.name };
  }

  /** After a check-in (or the same one again): the credit it earns, saved once; undefined when it earns none. */
  async afterCheckIn(booking: BookingRecord, actor: Actor | undefined, cause: Cause): Promise<CreditRecord | undefined> {
    const activity = await this.activities.load(booking.activityId);
    const session = activity?.sessions.find((s) => s.sessionId === booking.sessionId);
    if (!activity || !session) return undefined;
    const student = await this.store.student(attendeeOf(booking)); // the child's, when a parent booked for her
    const existing = student ? await this.store.credit(creditId(activity.activityId, student.studentId)) : undefined;
    const credit = decideCredit(
      {
        activity: { activityId: activity.activityId, title: activity.title, forCredit: activity.forCredit === true, campaignId: activity.campaignId, theme: activity.theme, format: activity.format },
        session: { startsAt: new Date(session.startsAt), endsAt: new Date(session.endsAt) },
        booking,
        student,
        existing,
        confirmedBy: actor?.id ?? "",
        now: this.clock(),
      },
      await this.rules.forPlace(activity.place.path),
    );
    if (!credit) return existing;
    const { creditId: id, studentId, schoolId, hours, credits, confirmedBy, confirmedAt, bookingId } = credit;
    const payload = { activityId: credit.activityId, studentId, schoolId, hours, credits, confirmedBy, confirmedAt: timestampFromDate(confirmedAt), bookingId };
    const event = newEvent(CreditAwardedSchema, payload, { source: "events", aggregateId: id, aggregateVersion: 1, actor, occurredAt: confirmedAt, ...cause });
    await this.store.saveCredit(credit, [event]); // a conflict: the same check-in saved it first
    this.relay.kick(this.store.credits, id);
    return credit;
  }

  /** The caller's students (herself, her children) and their credits. */
  async mine(actor: Actor | undefined): Promise<{ students: Student[]; credits: CreditRecord[] }> {
    requireAccess("credit.readOwn", actor, { ownerId: actor?.id ?? "" });
    const students = await this.store.studentsOf(actor!.id);
    const credits = students.length ? await this.store.creditsOf({ studentIds: students.map((s) => s.studentId) }) : [];
    return { students, credits };
  }

  /** A school's credits: for its own staff and the associations above it. */
  async ofSchool(schoolId: string, schoolPath: string[], actor: Actor | undefined): Promise<CreditRecord[]> {
    requireAccess("credit.export", actor, { orgId: schoolId, path: schoolPath.includes(schoolId) ? schoolPath : [...schoolPath, schoolId] });
    return this.store.creditsOf({ schoolId });
  }
}
