import { Model, F, IdField } from '../model';

const expired = (o: HiddenPeer) => !!o.until && new Date(o.until).getTime() < Date.now();

/**
 * A PeeringDB network hidden from the available peers of one IX LAN, until a date.
 * The PeeringDB records are referenced by their ids for now (plain integers, not foreign keys).
 */
@Model<HiddenPeer>({
  app: 'peeringdb',
  display: (o) => `PeeringDB network ${o.peeringdbNetwork} hidden on PeeringDB IX LAN ${o.peeringdbIxlan}`,
  brief: ['id', 'url', 'display', 'peeringdbNetwork', 'peeringdbIxlan', 'until'],
  ordering: ['until', 'peeringdbNetwork', 'peeringdbIxlan'],
  q: ['comments'],
  uniqueTogether: [['peeringdbNetwork', 'peeringdbIxlan']],
  computed: { isExpired: { type: 'bool', nullable: false, resolve: expired } },
  customFilters: {
    isExpired: {
      type: 'bool',
      apply: (v: boolean) => (v ? { until: { $lt: new Date() } } : { $or: [{ until: null }, { until: { $gte: new Date() } }] }),
    },
  },
})
export class HiddenPeer {
  // A plain filter set in Peering Manager: no created/updated filters.
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create', filter: false }) created?: Date | null;
  @F.datetime({ nullable: true, readOnly: true, auto: 'update', filter: false }) updated?: Date | null;
  @F.int({ min: 1, required: true, label: 'PeeringDB network' }) peeringdbNetwork!: number;
  @F.int({ min: 1, required: true, label: 'PeeringDB IX LAN' }) peeringdbIxlan!: number;
  @F.datetime({ nullable: true }) until?: Date | null;
  @F.text({ filter: false }) comments: string = '';
}
