// An activity and a booking as the gateway's JSON gives them (the fields the pages read).
export interface SessionView {
  session: { sessionId: string; startsAt: string; endsAt: string; place: string; capacity: number };
  seatsTaken: number;
  seatsLeft: number;
  waitlistLength: number;
}

export interface Activity {
  activityId: string;
  orderId: string;
  title: string;
  theme: string;
  status: string;
  summaryFiled: boolean;
  participants: number;
  sessions: SessionView[];
}

export interface Booking {
  bookingId: string;
  activityId: string;
  sessionId: string;
  residentId: string;
  status: string;
  waitlistPosition: number;
  activityTitle: string;
  startsAt: string;
}
