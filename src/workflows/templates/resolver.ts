// GraphQL for the renders: synchronous queries returning the text, and job mutations for the
// router configuration and export templates (Peering Manager's 202 + Job actions use the same).
import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { GqlContext } from '../../graphql/context';
import { requireModelWrite, requireRead } from '../../graphql/guards';
import { readableIds, requireJobOwner, requireReadable, rowId } from '../../graphql/workflow-guards';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { describe } from '../../domain/model';
import { Job } from '../../domain/core/job';
import { Router } from '../../domain/devices/router';
import { ExportTemplate } from '../../domain/extras/export-template';
import { TEMPLATE_FAULT, TemplateError } from './errors';
import { renderEmail, renderExportTemplate, renderRouterConfiguration, type Renderer } from './render';
import { enqueueExportTemplate, enqueueRouterConfiguration } from './jobs';
import { EMPTY_ROUTERS, enqueueConfigure } from './configure';

const MAX_ROUTERS = 1000;

@ObjectType({ description: 'An e-mail rendered from an e-mail template for an autonomous system' })
export class RenderedEmail {
  @Field(() => String, { description: 'The rendered subject' }) subject!: string;
  @Field(() => String, { description: 'The rendered body' }) body!: string;
}

/** A template fault is the caller's input: BAD_USER_INPUT with the message naming template and line, and reason TEMPLATE_ERROR. */
export async function rendering<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TemplateError) throw new ValidationError({ template: [e.message] }, undefined, e.message, { kind: TEMPLATE_FAULT, template: e.template, line: e.line });
    throw e;
  }
}

function renderer(ctx: GqlContext): Renderer {
  requireRead(ctx);
  return { em: ctx.em as any, caller: ctx.caller };
}

@Resolver()
export class TemplateRenderResolver {
  @Query(() => String, { description: "Renders a router's configuration template (Jinja2) with the objects the caller may read; an empty string when the router has none. Template errors are BAD_USER_INPUT naming the template and line." })
  async renderRouterConfiguration(@Arg('id', () => ID, { description: 'Id of the router' }) id: string, @Ctx() ctx: GqlContext): Promise<string> {
    return rendering(async () => (await renderRouterConfiguration(renderer(ctx), rowId(id))).text);
  }

  @Mutation(() => Job, { description: "Queues a job (devices.router.render_configuration) rendering a router's configuration; its output is the configuration, or the template error." })
  async renderRouterConfigurationJob(@Arg('id', () => ID, { description: 'Id of the router' }) id: string, @Ctx() ctx: GqlContext): Promise<Job> {
    requireJobOwner(ctx);
    await requireReadable(ctx, Router, rowId(id));
    return enqueueRouterConfiguration(ctx.em as any, rowId(id), ctx.caller);
  }

  @Mutation(() => [Job], { description: "Queues one job (devices.router.set_napalm_configuration) per readable router among `routers`. PeerGate cannot push to routers (no NAPALM): each job renders the router's configuration as its output and its log says that nothing was installed, even with `commit`. Unknown ids are skipped; none found is NOT_FOUND." })
  async configureRouters(
    @Arg('routers', () => [ID], { description: 'Ids of the routers' }) routers: string[],
    @Arg('commit', () => Boolean, { defaultValue: false, description: "Peering Manager's commit flag; PeerGate never installs, and its jobs say so" }) commit: boolean,
    @Ctx() ctx: GqlContext,
  ): Promise<Job[]> {
    requireJobOwner(ctx);
    const d = describe(Router);
    requireModelWrite(ctx, d, 'update');
    if (!routers.length) throw new ValidationError({ routers: [EMPTY_ROUTERS] }, undefined, EMPTY_ROUTERS);
    if (routers.length > MAX_ROUTERS) throw new ValidationError({ routers: [`Ensure this field has no more than ${MAX_ROUTERS} elements.`] });
    // An id that is not a valid key names no router, as in Peering Manager's pk__in.
    const ids = [...new Set(routers.map(Number).filter((n) => Number.isSafeInteger(n) && n >= 1 && n <= 2147483647))];
    const found = await readableIds(ctx, Router, ids);
    if (!found.length) throw new NotFoundError('No Router matches the given query.');
    const jobs: Job[] = [];
    for (const id of found) jobs.push(await enqueueConfigure(ctx.em as any, id, commit, ctx.caller));
    return jobs;
  }

  @Query(() => String, { description: 'Renders an export template with `dataset` = the objects of its content type the caller may read.' })
  async renderExportTemplate(@Arg('id', () => ID, { description: 'Id of the export template' }) id: string, @Ctx() ctx: GqlContext): Promise<string> {
    return rendering(async () => (await renderExportTemplate(renderer(ctx), rowId(id))).text);
  }

  @Mutation(() => Job, { description: 'Queues a job (extras.exporttemplate.render) rendering an export template; its output is the rendered text, or the template error.' })
  async renderExportTemplateJob(@Arg('id', () => ID, { description: 'Id of the export template' }) id: string, @Ctx() ctx: GqlContext): Promise<Job> {
    requireJobOwner(ctx);
    await requireReadable(ctx, ExportTemplate, rowId(id));
    return enqueueExportTemplate(ctx.em as any, rowId(id), ctx.caller);
  }

  @Query(() => RenderedEmail, { description: 'Renders an e-mail template (subject and body) for an autonomous system: `autonomous_system` and `affiliated_autonomous_systems` in its context.' })
  async generateEmail(
    @Arg('autonomousSystemId', () => ID, { description: 'Id of the autonomous system the e-mail is for' }) autonomousSystemId: string,
    @Arg('emailId', () => ID, { description: 'Id of the e-mail template' }) emailId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<RenderedEmail> {
    return rendering(() => renderEmail(renderer(ctx), rowId(autonomousSystemId), rowId(emailId)));
  }
}
