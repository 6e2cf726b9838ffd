import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type OutputFormat, UsageError } from './io.js';

const BY_EXTENSION: Record<string, OutputFormat> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.json': 'json',
  '.sarif': 'sarif',
  '.txt': 'text',
};

/**
 * `--report FILE`: a second rendering of the same report, written to FILE, its format taken from the
 * extension (.html, .md, .json, .sarif, .txt). Checked before any work so a typo costs nothing.
 */
export function reportFileFormat(file: string, allowed: readonly OutputFormat[]): OutputFormat {
  const format = BY_EXTENSION[path.extname(file).toLowerCase()];
  if (!format || !allowed.includes(format)) {
    const exts = Object.entries(BY_EXTENSION)
      .filter(([, f]) => allowed.includes(f))
      .map(([e]) => e);
    throw new UsageError(
      `--report ${file}: cannot tell the format from the extension; use one of ${exts.join(', ')}`,
    );
  }
  return format;
}

/** Writes the report; a failure is the user's to fix (path, permissions), said with the path. */
export async function writeReportFile(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (err) {
    throw new UsageError(`--report ${file}: ${(err as Error).message}`);
  }
}
