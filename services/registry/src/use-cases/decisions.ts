// The one way every registry command runs: load the aggregate, decide (after the use case has
// loaded the references and authorized), evolve, save state + events in one write.
//
// Adding a command (rename an org, deactivate a team, a member leaves …):
//  1. domain/<aggregate>.ts: a variant of the Command union, its Event, a case in `decide` (the
//     rule, refusals as Result values) and in `evolve`; a row and a column in its table test;
//  2. messaging/registry-events.ts: the event's protobuf message (add it to proto/ if it is new);
//  3. use-cases/<aggregate>.ts: a method — decideOnExisting, authorize, the aggregate's decide;
//  4. grpc/registry-service.ts: the handler checks the request's fields and calls the method.
import type { Result } from "@kepu/errors";
import { registryErrors, type Kind } from "../domain/errors.js";
import { toMessage, type RegistryEvent } from "../messaging/registry-events.js";
import type { States } from "../store/documents.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";

export type Clock = () => Date;

const maxAttempts = 5;

/**
 * Runs `attempt` (load references → authorize → decide) on the aggregate as stored, and saves
 * what it decided. Commands on one aggregate run one after another in this process; when another
 * process wrote in between (the version moved), it loads again and decides again. A refusal
 * throws the domain's error and writes nothing.
 */
export function decideAndSave<K extends Kind, E extends RegistryEvent>(
  store: RegistryStore,
  kind: K,
  id: string,
  evolve: (state: States[K] | undefined, event: E) => States[K],
  attempt: (before: States[K] | undefined) => Promise<Result<E[]>>,
  cause: Cause,
): Promise<States[K]> {
  return store.serialized(kind, id, async () => {
    for (let tries = 1; tries <= maxAttempts; tries++) {
      const before = await store.load(kind, id);
      const decision = await attempt(before?.state);
      if (!decision.ok) throw decision.error;
      let state = before?.state;
      for (const event of decision.value) state = evolve(state, event);
      if (!state) throw registryErrors.notFound(kind, id, "id"); // nothing decided about nothing
      if (decision.value.length === 0) return state;
      if ((await store.save(kind, id, before?.version ?? 0, state, decision.value.map(toMessage), cause)) === "saved") return state;
    }
    throw registryErrors.busy();
  });
}

/** A refusal ends the command: the error is thrown to the edge, which answers with it. */
export function must<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** `decideAndSave` for a command on an aggregate that must exist: a missing one is not found, naming `field`. */
export function decideOnExisting<K extends Kind, E extends RegistryEvent>(
  store: RegistryStore,
  kind: K,
  id: string,
  field: string,
  evolve: (state: States[K] | undefined, event: E) => States[K],
  attempt: (before: States[K]) => Promise<Result<E[]>>,
  cause: Cause,
): Promise<States[K]> {
  return decideAndSave(
    store,
    kind,
    id,
    evolve,
    async (before) => {
      if (!before) throw registryErrors.notFound(kind, id, field);
      return attempt(before);
    },
    cause,
  );
}
