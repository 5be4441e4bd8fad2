// An order as the gateway's JSON gives it (the fields the pages read).
export interface Order {
  orderId: string;
  status: string;
  request: { title: string; theme: string; expectedParticipants: number; community?: { orgId: string } };
  invitedTeamIds: string[];
  acceptedTeamId: string;
  activityId: string;
  submittedAt: string;
  timeline: { eventType: string; occurredAt: string; reason: string }[];
}
