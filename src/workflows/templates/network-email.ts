// GraphQL for Peering Manager's e-mail to a PeeringDB network (pm-workflows §4, render-email):
// an e-mail template rendered with `autonomous_systems` = [an AS, a PeeringDB network].
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GqlContext } from '../../graphql/context';
import { requireRead } from '../../graphql/guards';
import { renderNetworkEmail } from './render';
import { RenderedEmail, rendering } from './resolver';
import { rowId } from '../../graphql/workflow-guards';

@Resolver()
export class NetworkEmailResolver {
  @Query(() => RenderedEmail, { description: 'Renders an e-mail template (subject and body) to a PeeringDB network: `autonomous_systems` = [the autonomous system, the network] in its context. Template errors are BAD_USER_INPUT naming the template and line.' })
  async renderPeeringdbNetworkEmail(
    @Arg('emailId', () => ID, { description: 'Id of the e-mail template' }) emailId: string,
    @Arg('autonomousSystemId', () => ID, { description: 'Id of the autonomous system (usually an affiliated one)' }) autonomousSystemId: string,
    @Arg('networkId', () => ID, { description: 'PeeringDB id of the network the e-mail is for' }) networkId: string,
    @Ctx() ctx: GqlContext,
  ): Promise<RenderedEmail> {
    requireRead(ctx);
    return rendering(() => renderNetworkEmail({ em: ctx.em as any, caller: ctx.caller }, rowId(autonomousSystemId), rowId(networkId), rowId(emailId)));
  }
}
