import { qualifiedName, type ResourceInfo } from './resources.js';

/** A metav1.Status, the body of every error the API returns (and of exec's final message). */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
  code: number;
}

/** An expected API failure: carried up to the request handler and written as a Status. */
export class ApiError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }
  get code(): number {
    return this.body.code;
  }
}

export function status(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody['details'],
): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function details(info: ResourceInfo, name?: string): StatusBody['details'] {
  return { ...(name ? { name } : {}), ...(info.group ? { group: info.group } : {}), kind: info.resource };
}

export function notFound(info: ResourceInfo, name: string): ApiError {
  return new ApiError(
    status(404, 'NotFound', `${qualifiedName(info)} "${name}" not found`, details(info, name)),
  );
}

export function alreadyExists(info: ResourceInfo, name: string): ApiError {
  return new ApiError(
    status(409, 'AlreadyExists', `${qualifiedName(info)} "${name}" already exists`, details(info, name)),
  );
}

export function forbidden(info: ResourceInfo, name: string, why: string): ApiError {
  const what = name ? `${qualifiedName(info)} "${name}"` : qualifiedName(info);
  return new ApiError(status(403, 'Forbidden', `${what} is forbidden: ${why}`, details(info, name)));
}

export function methodNotAllowed(info: ResourceInfo | undefined, why: string): ApiError {
  return new ApiError(
    status(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource: ${why}`,
      info ? details(info) : undefined,
    ),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(status(400, 'BadRequest', message));
}

export function invalid(
  kind: string,
  name: string,
  causes: { field: string; reason: string; message: string }[],
  group = '',
): ApiError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const list = causes.length > 1 ? `[${summary}]` : summary;
  return new ApiError(
    status(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${list}`, {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
    }),
  );
}

export function unauthorized(): StatusBody {
  return status(401, 'Unauthorized', 'Unauthorized');
}

export function gone(message: string): ApiError {
  return new ApiError(status(410, 'Expired', message));
}
