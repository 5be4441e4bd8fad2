/**
 * Whether this process is draining: set once when shutdown begins, never cleared. While it is set,
 * every server made by createHttpServer answers /readyz with 503 (a load balancer, the supervisor
 * or Kubernetes stops sending new work) and asks each client to close its keep-alive connection
 * after the response, so that when the server closes no client is left holding a socket to it.
 * One flag per process: a process shuts down as a whole.
 */
let draining = false;

export function isDraining(): boolean {
  return draining;
}

export function startDraining(): void {
  draining = true;
}
