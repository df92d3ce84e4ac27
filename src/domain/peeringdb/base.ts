// What every mirrored PeeringDB record carries (django-handleref): the upstream's own
// id, a status and whole-second created/updated stamps. Names follow PeeringDB.
import { Index } from '@mikro-orm/core';
import { raw } from '@mikro-orm/core';
import { Base, F, IdField, type CustomFilter } from '../model';
import type { ChoiceSet } from '../choices';
import { ValidationError } from '../errors';

export const PdbStatus: ChoiceSet = {
  name: 'PdbStatus',
  values: [{ value: 'ok', label: 'Ok' }, { value: 'pending', label: 'Pending' }, { value: 'deleted', label: 'Deleted' }],
};

/** A text column; PeeringDB's lengths vary, and a mirror must accept whatever the upstream holds. */
export const T = (o: Parameters<typeof F.text>[0] = {}) => F.text({ filter: true, ...o, ...(o?.required ? { default: undefined } : {}) });
/** A nullable text column. */
export const TN = (o: Parameters<typeof F.text>[0] = {}) => F.text({ nullable: true, default: undefined, filter: true, ...o });

@Base()
export abstract class PdbObject {
  // Mirrored rows keep PeeringDB's ids; locally created ones get the next free id.
  @IdField({ autoincrement: false }) id!: number;
  @F.choice(PdbStatus, { default: 'ok', choiceStyle: 'plain', readOnly: true }) status: string = 'ok';
  @F.datetime({ readOnly: true }) created!: Date;
  // `since` reads and the sync's watermark scan by updated.
  @Index() @F.datetime({ readOnly: true }) updated!: Date;
}

/** Objects with a name, their alternative names and a web presence. */
@Base()
export abstract class PdbNamed extends PdbObject {
  @T({ required: true }) name!: string;
  @T() aka: string = '';
  @T() nameLong: string = '';
  @T() website: string = '';
  @F.json({ default: [], filter: true }) socialMedia?: unknown;
  @T() notes: string = '';
  @TN({ readOnly: true }) logo?: string | null;
}

/** Organisations and facilities carry a full postal address. */
@Base()
export abstract class PdbAddressed extends PdbNamed {
  @T() address1: string = '';
  @T() address2: string = '';
  @T() city: string = '';
  @T() state: string = '';
  @T() zipcode: string = '';
  @T() country: string = '';
  @T() floor: string = '';
  @T() suite: string = '';
  @F.float({ nullable: true }) latitude?: number | null;
  @F.float({ nullable: true }) longitude?: number | null;
}

/**
 * Filters every mirrored type has: `since`, PeeringDB's incremental read (rows created or updated
 * after a Unix time; stamps are whole seconds, so the comparison is on whole seconds).
 */
/** Seconds since the epoch that PostgreSQL's timestamps hold (to_timestamp fails past them). */
export const sinceInRange = (seconds: number): boolean => Number.isFinite(seconds) && seconds >= -1e10 && seconds <= 1e11;

export const PDB_FILTERS: Record<string, CustomFilter> = {
  since: {
    type: 'float',
    description: 'Created or updated after this Unix time (seconds)',
    apply: (s: number) => {
      if (!sinceInRange(s)) throw new ValidationError({ since: [`${s} is not a Unix time PeerGate can compare (from -1e10 to 1e11 seconds).`] });
      const t = Math.floor(s);
      return { [raw((a: string) => `(${a}.created > to_timestamp(?) or ${a}.updated > to_timestamp(?))`, [t, t])]: true };
    },
  },
};
