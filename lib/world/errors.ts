import { ApiError, type ErrorType } from "@/lib/http/errors";

/**
 * A failure of the in-app world or of a tool, with whether trying again may help. It is an `ApiError`, so a
 * route handler maps it to the error envelope unchanged; the run loop reads `retriable`.
 */
export class ToolError extends ApiError {
  readonly retriable: boolean;

  constructor(
    type: ErrorType,
    code: string,
    message: string,
    options: { retriable?: boolean; headers?: Record<string, string> } = {},
  ) {
    super(type, code, message, { headers: options.headers });
    this.name = "ToolError";
    this.retriable = options.retriable ?? false;
  }

  toJSON() {
    return { type: this.type, code: this.code, message: this.message, retriable: this.retriable };
  }
}
