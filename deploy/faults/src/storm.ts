import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { BookingStatus } from "@kepu/contracts/events/v1/service_pb";
import { compareIds } from "./report.js";
import { communities, persist, placeOf, workerOf, type Clients } from "./workload.js";

/**
 * A booking storm (预约): `2 × seats` residents book one session of `seats` seats at once, so
 * half are seated and half wait in line — while an engine is killed under them.
 */
export class BookingStorm {
  /** The booking each resident was told she has, in the order the answers came. */
  readonly acknowledged = new Map<string, string>();

  private constructor(
    private readonly clients: Clients,
    private readonly label: string,
    private readonly activityId: string,
    private readonly sessionId: string,
    readonly seats: number,
  ) {}

  /** Publishes the storm's activity: one session, `seats` seats, none kept for a community. */
  static async open(clients: Clients, label: string, seats: number): Promise<BookingStorm> {
    const communityId = communities[0]!;
    const startsAt = new Date(Date.now() + 7 * 86_400_000);
    const { activity } = await clients.events.publishActivity(
      {
        title: `抢票讲座 ${label}`,
        theme: Theme.HEALTH,
        format: Format.EXPERT_TALK,
        place: await placeOf(clients, communityId),
        sessions: [{ startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + 3_600_000)), place: "社区活动室", capacity: seats }],
      },
      { actor: workerOf(communityId) },
    );
    return new BookingStorm(clients, label, activity!.activityId, activity!.sessions[0]!.session!.sessionId, seats);
  }

  private resident(n: number) {
    return { id: `${this.label}-storm-r${n}`, role: Role.RESIDENT, orgId: communities[n % communities.length]! };
  }

  private get worker() {
    return workerOf(communities[0]!);
  }

  /** Every resident books, `concurrency` at a time, retrying through outages; `onBooked` hears each answer. */
  async run(concurrency: number, onBooked: (n: number) => void = () => undefined): Promise<void> {
    const queue = Array.from({ length: 2 * this.seats }, (_, n) => n);
    const lane = async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const resident = this.resident(n);
        const made = await persist(`storm book ${resident.id}`, () => this.clients.events.book({ activityId: this.activityId, sessionId: this.sessionId }, { actor: resident }));
        this.acknowledged.set(resident.id, made!.booking!.bookingId);
        onBooked(this.acknowledged.size);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  /** The session's seats and line as the events service counts them (the ledger) and as its records hold them. */
  private async state() {
    const { activity } = await this.clients.events.getActivity({ activityId: this.activityId }, { actor: this.worker });
    const session = activity!.sessions[0]!;
    const { bookings } = await this.clients.events.listAttendance({ activityId: this.activityId }, { actor: this.worker });
    const stored = (status: BookingStatus) => bookings.filter((b) => b.status === status);
    return { taken: session.seatsTaken, waiting: session.waitlistLength, bookings, seated: stored(BookingStatus.SEATED), waitlisted: stored(BookingStatus.WAITLISTED) };
  }

  /**
   * Exactly `seats` seated and the rest in line, in the ledger and in the records alike; every
   * booking a resident was told about stored once; and the line intact: cancelling every seated
   * booking seats the waiting ones one by one, in the order they arrived.
   */
  async check(): Promise<{ problems: string[]; seated: number; waitlisted: number }> {
    const before = await this.state();
    const problems = [
      ...compareIds("storm booking", [...this.acknowledged.values()], before.bookings.map((b) => b.bookingId)),
      ...(this.acknowledged.size === 2 * this.seats ? [] : [`storm: ${this.acknowledged.size} of ${2 * this.seats} bookings were acknowledged`]),
      ...(before.bookings.length === 2 * this.seats ? [] : [`storm: ${before.bookings.length} bookings stored for ${2 * this.seats} residents`]),
      ...(before.taken === this.seats && before.seated.length === this.seats ? [] : [`storm: ${before.taken} seats taken in the ledger, ${before.seated.length} seated in the records, of ${this.seats}`]),
      ...(before.waiting === this.seats && before.waitlisted.length === this.seats ? [] : [`storm: ${before.waiting} waiting in the ledger, ${before.waitlisted.length} waitlisted in the records, ${this.seats} expected`]),
    ];
    const line = [...before.waitlisted].sort((a, b) => a.waitlistPosition - b.waitlistPosition);
    const positions = line.map((b) => b.waitlistPosition).join(",");
    const expected = Array.from({ length: this.seats }, (_, i) => i + 1).join(",");
    if (positions !== expected) problems.push(`storm: waitlist positions ${positions}, expected ${expected}`);
    if (problems.length > 0) return { problems, seated: before.taken, waitlisted: before.waiting };

    for (const [i, seated] of before.seated.entries()) {
      const resident = { id: seated.residentId, role: Role.RESIDENT, orgId: seated.communityId };
      const { promotedBookingId } = await persist(`storm cancel ${seated.bookingId}`, () => this.clients.events.cancelBooking({ bookingId: seated.bookingId, reason: "临时有事" }, { actor: resident })).then((r) => r!);
      if (promotedBookingId !== line[i]!.bookingId) problems.push(`storm: cancelling seat ${i + 1} seated ${promotedBookingId || "nobody"}, next in line was ${line[i]!.bookingId}`);
    }
    const after = await this.state();
    if (after.taken !== this.seats || after.waiting !== 0 || after.seated.length !== this.seats) {
      problems.push(`storm: after the cancellations ${after.taken} seats taken and ${after.waiting} waiting in the ledger, ${after.seated.length} seated in the records`);
    }
    return { problems, seated: before.taken, waitlisted: before.waiting };
  }
}
