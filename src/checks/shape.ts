/**
 * Manifests are not schema-validated before the checks see them (a user may write `ports: 80` or `- null`), so
 * every list field of an object is read through these: anything that is not an array reads as empty, and
 * null/non-object entries are dropped. A malformed field then costs its own finding, not the whole check.
 */
export function list<T>(value: readonly T[] | null | undefined): T[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (x) => x !== null && x !== undefined && (typeof x === 'object' || typeof x === 'string'),
  );
}

/** String entries of a list field (args, command, hosts, values). */
export function strings(value: readonly unknown[] | null | undefined): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

/** An object field, or undefined when the input has something else there. */
export function obj<T extends object>(value: T | null | undefined): T | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** A string field, or undefined when the input has something else there. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
