// `export<Plural>(template, filter, ordering)`: a model's list rendered through one of its export
// templates (Peering Manager's `?export=<name>` on list endpoints). The dataset is the list the
// caller would read with the same filter and ordering, every page of it, up to EXPORT_MAX_ROWS.
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { GqlContext } from '../../graphql/context';
import { filterInput } from '../../graphql/filters';
import { filterToWhere } from '../../domain/filters';
import { readScope } from '../../graphql/guards';
import { orderBy, withScope } from '../../domain/crud';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { describe, type ModelDescriptor } from '../../domain/model';
import { ExportTemplate } from '../../domain/extras/export-template';
import { renderExportOfList } from './render';
import { rendering } from './resolver';

/** The refusal when a list has more objects than one export may render. */
export const tooManyRows = (max: number) => `More than ${max} objects to export (EXPORT_MAX_ROWS): filter the list.`;

/** Ids of the list (within the caller's read scope), in its order; more than `max` is refused. */
async function listIds(ctx: GqlContext, d: ModelDescriptor, scope: Record<string, unknown> | null, filter: Record<string, unknown> | null, ordering: string[] | null, max: number): Promise<number[]> {
  const where = withScope(filterToWhere(d, filter, ctx.caller), scope);
  // A fork: ids-only rows must not sit in the request's identity map as if they were whole.
  const rows = await ctx.em.fork().find(d.cls as any, where as any, { fields: ['id'] as any, orderBy: orderBy(d, ordering) as any, limit: max + 1 });
  if (rows.length > max) throw new ValidationError({ export: [tooManyRows(max)] }, undefined, tooManyRows(max));
  return rows.map((o: any) => Number(o.id));
}

/** The resolver class adding `export<Plural>` for one model. */
export function exportListResolver(d: ModelDescriptor): Function {
  const name = `export${d.plural}`;
  const cls = { [`${d.name}ExportResolver`]: class {} }[`${d.name}ExportResolver`];
  const proto = cls.prototype as any;
  proto[name] = async function (template: string, filter: Record<string, unknown> | null, ordering: string[] | null, ctx: GqlContext): Promise<string> {
    // Both lists must be readable, the model's and the export templates' (else FORBIDDEN); an
    // unknown template is NOT_FOUND before the list is counted.
    const scope = readScope(ctx, d);
    const templates = describe(ExportTemplate);
    const where = withScope({ contentType: d.contentType, name: template }, readScope(ctx, templates));
    if (!(await ctx.em.fork().count(ExportTemplate, where as any))) throw new NotFoundError('Not found.');
    const ids = await listIds(ctx, d, scope, filter ?? null, ordering ?? null, ctx.config.exportMaxRows);
    return rendering(async () => (await renderExportOfList({ em: ctx.em as any, caller: ctx.caller }, d.contentType, template, ids)).text);
  };
  const desc = Object.getOwnPropertyDescriptor(proto, name)!;
  Query(() => String, {
    name,
    description: `${d.verboseNamePlural} rendered through the export template named \`template\` (of this model): \`dataset\` is the list with this filter and ordering, every matching object the caller may read (more than EXPORT_MAX_ROWS is BAD_USER_INPUT). No such template is NOT_FOUND; template errors are BAD_USER_INPUT naming the template and line.`,
  })(proto, name, desc);
  Arg('template', () => String, { description: 'Name of the export template' })(proto, name, 0);
  Arg('filter', () => filterInput(d), { nullable: true, description: 'Only those matching every condition given' })(proto, name, 1);
  Arg('ordering', () => [String], { nullable: true, description: `Field names, '-' for descending; default ${d.ordering.join(', ')}` })(proto, name, 2);
  Ctx()(proto, name, 3);
  Resolver()(cls);
  return cls;
}
