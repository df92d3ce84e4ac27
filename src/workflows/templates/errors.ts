// A template that cannot be rendered: its syntax, an undefined attribute, a filter's refusal, a
// bound reached. The message names the template and the line so that whoever wrote it can fix it.

/** The `reason` of the refusal a template fault becomes (GraphQL extensions.reason.kind). */
export const TEMPLATE_FAULT = 'TEMPLATE_ERROR';

/** Whether an error's `reason` (GraphQL extensions.reason) says a template could not be rendered. */
export const isTemplateFault = (reason: unknown): boolean => (reason as { kind?: unknown } | null | undefined)?.kind === TEMPLATE_FAULT;

export class TemplateError extends Error {
  constructor(readonly reason: string, readonly template: string, readonly line: number | null, readonly syntax = false) {
    super(TemplateError.text(reason, template, line, syntax));
    this.name = 'TemplateError';
  }

  static text(reason: string, template: string, line: number | null, syntax: boolean): string {
    const where = line === null ? `template "${template}"` : `template "${template}" at line ${line}`;
    return syntax ? `Syntax error in ${where}: ${reason}` : `Error in ${where}: ${reason}`;
  }
}
