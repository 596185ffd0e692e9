/**
 * A readiness check: resolves when its dependency is usable (optionally with details to report,
 * e.g. each instance of a module), rejects with the reason otherwise.
 */
export interface HealthCheck {
  name: string;
  check(): Promise<void | Record<string, unknown>>;
}
