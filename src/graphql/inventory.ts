// GraphQL operations of the inventory beyond generic CRUD.
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GqlContext } from './context';
import { requireModelWrite } from './guards';
import { ConflictError, NotFoundError } from '../domain/errors';
import { describe } from '../domain/model';
import * as crud from '../domain/crud';
import { Network } from '../domain/inventory/resources';
import { transaction } from '../db/transaction';

@Resolver()
export class InventoryResolver {
  /**
   * Deletes a network that has children, moving them to its parent (NSoT's
   * force_delete). A root whose children are addresses stays (409): they would
   * be left without a base network.
   */
  @Mutation(() => Boolean, { description: 'Delete a network, reparenting its children to its parent' })
  async forceDeleteNetwork(@Arg('id', () => ID, { description: 'Id of the network' }) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const d = describe(Network);
    requireModelWrite(ctx, d, 'delete');
    const n = Number(id);
    return transaction(ctx.em, async (tem) => {
      const net = Number.isSafeInteger(n) ? await tem.findOne(Network, { id: n }) : null;
      if (!net) throw new NotFoundError(`No Network matches the given query.`);
      // Counted, not loaded: loaded children would be nulled by the ORM when their parent is removed.
      const children = await tem.count(Network, { parent: n });
      const grand = net.parent ? (net.parent as Network).id : null;
      if (children && grand === null && (await tem.count(Network, { parent: n, isIp: true }))) {
        throw new ConflictError('Cannot forcefully delete a network that does not have a parent, and whose children are leaf nodes.');
      }
      if (children) await tem.nativeUpdate(Network, { parent: n }, { parent: grand } as any);
      await crud.remove(tem, d, [n], ctx.caller, (changes) => ctx.bus.publishObjectChanges(changes));
      return true;
    });
  }
}
