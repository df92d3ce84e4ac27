// GraphQL for import-sessions (pm-workflows §6.2): a job per IX; Peering Manager's REST action runs it.
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GqlContext } from '../../graphql/context';
import { requireModelWrite } from '../../graphql/guards';
import { requireJobOwner, requireReadable, rowId } from '../../graphql/workflow-guards';
import { describe } from '../../domain/model';
import { Job } from '../../domain/core/job';
import { AutonomousSystem } from '../../domain/peering/autonomous-system';
import { InternetExchange } from '../../domain/peering/internet-exchange';
import { InternetExchangePeeringSession } from '../../domain/peering/internet-exchange-peering-session';
import { enqueueImportSessions } from '.';

@Resolver()
export class ImportSessionsResolver {
  @Mutation(() => Job, { description: "Queues a job creating IX peering sessions for the BGP neighbours that the IX's routers report over BMP and that are on its PeeringDB LAN (Peering Manager's import-sessions); their autonomous systems come from the PeeringDB mirror" })
  async importInternetExchangePeeringSessions(@Arg('id', () => ID, { description: 'Id of the internet exchange' }) id: string, @Ctx() ctx: GqlContext): Promise<Job> {
    requireJobOwner(ctx);
    // What the job may create, checked now so a caller without the grant gets its answer at once.
    requireModelWrite(ctx, describe(InternetExchangePeeringSession), 'create');
    requireModelWrite(ctx, describe(AutonomousSystem), 'create');
    await requireReadable(ctx, InternetExchange, rowId(id));
    return enqueueImportSessions(ctx.em as any, rowId(id), ctx.caller);
  }
}
