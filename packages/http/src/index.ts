export { createHttpServer, errorResponse, type HttpServerOptions, type ReadinessChecks } from "./server.js";
export { gracefulShutdown, type ShutdownOptions, type ShutdownStep } from "./shutdown.js";
