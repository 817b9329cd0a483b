/** The fixed catalogue of error types (API.md "Common rules"), each with its HTTP status. */
export const ERROR_STATUS = {
  validation: 400,
  unprocessable: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  rate_limited: 429,
  quota_exceeded: 402,
  provider_unavailable: 503,
  timeout: 504,
  internal: 500,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;

/** `unprocessable` is a 422 flavour of `validation`: the envelope always says "validation". */
const ENVELOPE_TYPE: Partial<Record<ErrorType, string>> = { unprocessable: "validation" };

export type ErrorEnvelope = { error: { type: string; code: string; message: string; request_id: string } };

/**
 * The one error class the API throws. Its status follows from its type; `body` replaces the envelope where
 * the contract says so (412 returns the current object), `headers` add e.g. Retry-After or ETag.
 */
export class ApiError extends Error {
  readonly type: ErrorType;
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;

  constructor(
    type: ErrorType,
    code: string,
    message: string,
    options: { headers?: Record<string, string>; body?: unknown } = {},
  ) {
    super(message);
    this.type = type;
    this.code = code;
    this.headers = options.headers ?? {};
    this.body = options.body;
  }

  get status(): number {
    return ERROR_STATUS[this.type];
  }

  /** The catalogue type clients see (422s are "validation" too). */
  get publicType(): string {
    return ENVELOPE_TYPE[this.type] ?? this.type;
  }

  envelope(requestId: string): ErrorEnvelope {
    return {
      error: {
        type: this.publicType,
        code: this.code,
        message: this.message,
        request_id: requestId,
      },
    };
  }
}

export const notFound = (what = "resource") => new ApiError("not_found", `${what}_not_found`, `${what} not found`);
export const forbidden = (message = "your role does not allow this") => new ApiError("forbidden", "forbidden", message);
export const unauthenticated = () =>
  new ApiError("unauthenticated", "unauthenticated", "sign in or send a valid API token");

/** Unknown errors become a generic 500; their details go to the log only. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError("internal", "internal_error", "something went wrong on our side; the request id identifies it");
}
