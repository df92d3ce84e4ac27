import { Model, F } from '../model';
import { Organisational } from '../base';
import { CommunityKind, CommunityType } from '../choices';

const u16 = (s: string) => /^\d+$/.test(s) && Number(s) <= 65535;
const u32 = (s: string) => /^\d+$/.test(s) && Number(s) <= 4294967295;
const ipv4 = (s: string) => /^(\d{1,3})(\.\d{1,3}){3}$/.test(s) && s.split('.').every((x) => Number(x) <= 255);

/** The kind of a BGP community value, or null when it is none of the three forms. */
export function communityKind(value: string): 'standard' | 'extended' | 'large' | null {
  const p = value.split(':');
  if (p.length === 2 && u16(p[0]) && u16(p[1]) && Number(p[0]) > 0) return 'standard';
  if (p.length === 3 && (p[0] === 'origin' || p[0] === 'target') && (u32(p[1]) || ipv4(p[1])) && /^\d+$/.test(p[2])) return 'extended';
  if (p.length === 3 && p.every(u32)) return 'large';
  return null;
}

@Model<Community>({
  app: 'bgp',
  plural: 'Communities',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug', 'value', 'type'],
  ordering: ['value', 'name'],
  q: ['name', 'value', 'slug', 'description'],
  compute: (o) => { o.kind = communityKind(o.value); },
  validate: (o) => (communityKind(o.value) ? {} : { value: [`"${o.value}" is not a valid BGP community (standard A:B, extended origin|target:ADMIN:N, or large A:B:C).`] }),
})
export class Community extends Organisational {
  @F.string({ maxLength: 50, required: true }) value!: string;
  @F.choice(CommunityType, { nullable: true, choiceStyle: 'plain' }) type?: string | null;
  @F.choice(CommunityKind, { nullable: true, readOnly: true, choiceStyle: 'plain', filter: false }) kind?: string | null;
}
