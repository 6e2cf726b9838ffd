/** The empty list for missing fields: shared, frozen (read-only like every result of list()). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * Manifests are not schema-validated before the checks see them (a user may write `ports: 80` or `- null`), so
 * every list field of an object is read through these: anything that is not an array reads as empty, and
 * null/non-object entries are dropped. A malformed field then costs its own finding, not the whole check.
 */
export function list<T>(value: readonly T[] | null | undefined): T[] {
  if (!Array.isArray(value)) return NONE as unknown as T[];
  // Well-formed lists (nearly all) are returned as they are: checks call this per pod and port, and a copy
  // each time is most of their garbage. Callers treat the result as read-only.
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (x === null || x === undefined || (typeof x !== 'object' && typeof x !== 'string')) {
      return value.filter(
        (y) => y !== null && y !== undefined && (typeof y === 'object' || typeof y === 'string'),
      );
    }
  }
  return value as T[];
}

/** String entries of a list field (args, command, hosts, values). */
export function strings(value: readonly unknown[] | null | undefined): string[] {
  if (!Array.isArray(value)) return NONE as unknown as string[];
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') return value.filter((x): x is string => typeof x === 'string');
  }
  return value as string[];
}

/** An object field, or undefined when the input has something else there. */
export function obj<T extends object>(value: T | null | undefined): T | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** A string field, or undefined when the input has something else there. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
