import type { Collection, Db, Document } from "mongodb";
import type { EventEnvelope } from "@kepu/bus";
import { saveAggregate, type SaveResult } from "@kepu/outbox";
import type { CreditRecord, Student } from "../domain/credits.js";

/**
 * 科普教育学分: students (collection `students`, `_id` the student id) and their credit records
 * (collection `credits`, `_id` = activityId:studentId, one per activity and student, saved once with
 * its CreditAwarded event through the outbox).
 */
export class CreditStore {
  readonly students: Collection<Document>;
  readonly credits: Collection<Document>;

  constructor(
    db: Db,
    private readonly topic: string,
  ) {
    this.students = db.collection("students");
    this.credits = db.collection("credits");
  }

  async createIndexes(): Promise<void> {
    await this.students.createIndex({ guardianId: 1 });
    await this.credits.createIndex({ studentId: 1 });
    await this.credits.createIndex({ schoolId: 1 });
    await this.credits.createIndex({ outboxCount: 1 });
  }

  async saveStudent(student: Student): Promise<void> {
    const { studentId, ...fields } = student;
    await this.students.updateOne({ _id: studentId as never }, { $set: fields }, { upsert: true });
  }

  async student(studentId: string): Promise<Student | undefined> {
    const doc = await this.students.findOne({ _id: studentId as never });
    return doc ? toStudent(doc) : undefined;
  }

  /** The resident herself, if a student, and the children she added. */
  async studentsOf(residentId: string): Promise<Student[]> {
    const docs = await this.students.find({ $or: [{ _id: residentId as never }, { guardianId: residentId }] }).toArray();
    return docs.map(toStudent);
  }

  async credit(creditId: string): Promise<CreditRecord | undefined> {
    const doc = await this.credits.findOne({ _id: creditId as never }, { projection: { outbox: 0 } });
    return doc ? toCredit(doc) : undefined;
  }

  /** Saves a credit once, with its event; a second save of the same one changes nothing. */
  saveCredit(credit: CreditRecord, events: EventEnvelope[]): Promise<SaveResult> {
    const { creditId, ...state } = credit;
    return saveAggregate(this.credits, { id: creditId, expectedVersion: 0, version: 1, state, topic: this.topic, events, key: credit.activityId });
  }

  async creditsOf(filter: { studentIds?: string[]; schoolId?: string }): Promise<CreditRecord[]> {
    const query = filter.studentIds ? { studentId: { $in: filter.studentIds } } : { schoolId: filter.schoolId };
    const docs = await this.credits.find(query, { projection: { outbox: 0 } }).sort({ confirmedAt: 1 }).toArray();
    return docs.map(toCredit);
  }
}

function toStudent(doc: Document): Student {
  const { _id, ...fields } = doc;
  return { ...(fields as Omit<Student, "studentId">), studentId: String(_id) };
}

function toCredit(doc: Document): CreditRecord {
  const { _id, outboxCount: _c, version: _v, ...fields } = doc;
  return { ...(fields as Omit<CreditRecord, "creditId">), creditId: String(_id) };
}
