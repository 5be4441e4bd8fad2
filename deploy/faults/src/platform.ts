import { ServiceProcess, type TestEngines } from "@kepu/testkit";

export const backendServices = ["registry", "dispatch", "events", "stats"] as const;
export type BackendService = (typeof backendServices)[number];

/** The four backend services as processes on one set of engines (and one topic/database prefix). */
export class Platform {
  private constructor(readonly services: Record<BackendService, ServiceProcess>) {}

  static async start(engines: TestEngines, extraEnv: Record<string, string> = {}): Promise<Platform> {
    const started = await Promise.all(backendServices.map((name) => ServiceProcess.start(name, engines.serviceEnv(extraEnv))));
    return new Platform(Object.fromEntries(backendServices.map((name, i) => [name, started[i]!])) as Record<BackendService, ServiceProcess>);
  }

  address(name: BackendService): string {
    return this.services[name].grpcAddress;
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.services).map((s) => s.stop()));
  }
}
