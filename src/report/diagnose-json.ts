import type { Diagnosis } from '../protocol/types.js';

/** `diagnose -o json`: the Diagnosis model as is (schema: docs/json-schema-diagnose.md, schemaVersion 1). */
export function renderDiagnosisJson(d: Diagnosis): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
