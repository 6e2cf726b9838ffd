import fastJsonPatch from 'fast-json-patch';
import jsonMergePatch from 'json-merge-patch';
import { ApiError, status } from './status.js';
import { applyStrategicMergePatch, PatchError } from './strategic-merge.js';

/** The patch media types of kube-apiserver; server-side apply is refused (see docs/decisions.md). */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = keyof typeof PATCH_TYPES;

function unsupported(accepted: string[], extra = ''): ApiError {
  return new ApiError(
    status(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}${extra}`,
    ),
  );
}

/** The patch type of a Content-Type header; 415 for anything else, with the accepted ones named. */
export function patchTypeOf(contentType: string | undefined, strategicAllowed: boolean): PatchType {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  const accepted = [
    PATCH_TYPES.json,
    PATCH_TYPES.merge,
    ...(strategicAllowed ? [PATCH_TYPES.strategic] : []),
  ];
  if (media === PATCH_TYPES.apply || media === 'application/apply-patch+cbor') {
    throw unsupported(
      accepted,
      '; the lab API does not implement server-side apply: use client-side apply (kubectl apply without --server-side)',
    );
  }
  for (const [k, v] of Object.entries(PATCH_TYPES)) {
    if (v !== media) continue;
    if (k === 'strategic' && !strategicAllowed) break;
    return k as PatchType;
  }
  throw unsupported(accepted);
}

function invalidPatch(message: string): ApiError {
  return new ApiError(status(422, 'Invalid', message));
}

/**
 * Applies a patch to a copy of `current`. JSON patch (RFC 6902) with fast-json-patch, merge patch (RFC 7386)
 * with json-merge-patch, strategic merge patch with our own implementation (`modelType` gives the merge keys).
 */
export function applyPatch(
  current: Record<string, unknown>,
  type: PatchType,
  body: unknown,
  modelType: string | undefined,
): Record<string, unknown> {
  if (type === 'json') {
    if (!Array.isArray(body))
      throw new ApiError(status(400, 'BadRequest', 'a JSON patch must be a list of operations'));
    const errors = fastJsonPatch.validate(body as fastJsonPatch.Operation[], current);
    if (errors) throw invalidPatch(`the JSON patch is invalid: ${errors.message.split('\n')[0]}`);
    try {
      return fastJsonPatch.applyPatch(structuredClone(current), body as fastJsonPatch.Operation[], true, true)
        .newDocument as Record<string, unknown>;
    } catch (err) {
      throw invalidPatch(`the JSON patch could not be applied: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (type === 'merge') {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ApiError(status(400, 'BadRequest', 'a merge patch must be a JSON object'));
    return jsonMergePatch.apply(structuredClone(current), body) as Record<string, unknown>;
  }
  if (type === 'strategic' && modelType) {
    try {
      return applyStrategicMergePatch(current as never, body, modelType);
    } catch (err) {
      if (err instanceof PatchError) throw invalidPatch(err.message);
      throw err;
    }
  }
  throw unsupported([PATCH_TYPES.json, PATCH_TYPES.merge]);
}
