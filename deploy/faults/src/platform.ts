import { ServiceProcess, TestClock, type TestEngines } from "@kepu/testkit";

export const backendServices = ["registry", "dispatch", "events", "stats"] as const;
export type BackendService = (typeof backendServices)[number];

/**
 * The four backend services as processes on one set of engines (and one topic/database prefix).
 * `clock` moves the events service's clock (its test-only TEST_CLOCK_FILE), to hold a session's
 * check-in and completion on its day.
 */
export class Platform {
  private constructor(
    readonly services: Record<BackendService, ServiceProcess>,
    readonly clock: TestClock,
  ) {}

  static async start(engines: TestEngines, extraEnv: Record<string, string> = {}): Promise<Platform> {
    const clock = new TestClock();
    const env = { TEST_CLOCK_FILE: clock.file, ...extraEnv };
    const running = await ServiceProcess.startAll(backendServices, () => engines.serviceEnv(env)).catch((error: unknown) => {
      clock.remove();
      throw error;
    });
    return new Platform(Object.fromEntries(backendServices.map((name, i) => [name, running[i]!])) as Record<BackendService, ServiceProcess>, clock);
  }

  address(name: BackendService): string {
    return this.services[name].grpcAddress;
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.services).map((s) => s.stop()));
    this.clock.remove();
  }
}
