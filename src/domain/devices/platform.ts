import { Model, F } from '../model';
import { Organisational, ORGANISATIONAL } from '../base';
import { PasswordAlgorithm } from '../choices';

@Model<Platform>({
  app: 'devices',
  ...ORGANISATIONAL,
})
export class Platform extends Organisational {
  @F.string({ maxLength: 50, default: '', label: 'NAPALM driver' }) napalmDriver: string = '';
  @F.json({ label: 'NAPALM arguments' }) napalmArgs?: unknown;
  @F.choice(PasswordAlgorithm, { maxLength: 16, default: '', choiceStyle: 'plain', blank: true }) passwordAlgorithm: string = '';
}
