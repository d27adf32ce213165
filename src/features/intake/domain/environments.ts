/** The outcome of mapping an upstream environment name through INGEST_ENVIRONMENTS. */
export type EnvironmentMatch = { kind: 'mapped'; environment: number } | { kind: 'unmapped'; reason: string };

/**
 * Maps an upstream environment name (a GitHub deployment environment, a CDEvents environment id) to a tracker
 * environment, case-insensitively and ignoring surrounding spaces. `table` is AppConfig.intake.environments.
 */
export function mapEnvironment(name: string, table: ReadonlyMap<string, number>): EnvironmentMatch {
  const environment = table.get(name.trim().toLowerCase());
  if (environment !== undefined) return { kind: 'mapped', environment };
  const shown = name.length > 100 ? `${name.slice(0, 100)}...` : name;
  return { kind: 'unmapped', reason: `environment "${shown}" is not mapped by INGEST_ENVIRONMENTS` };
}
