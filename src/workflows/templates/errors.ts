// A template that cannot be rendered: its syntax, an undefined attribute, a filter's refusal, a
// bound reached. The message names the template and the line so that whoever wrote it can fix it.

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
