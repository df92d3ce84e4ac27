import { Model, F } from '../model';
import { Organisational, ORGANISATIONAL } from '../base';

@Model<Relationship>({
  app: 'bgp',
  ...ORGANISATIONAL,
})
export class Relationship extends Organisational {
  @F.string({ maxLength: 6, default: '9e9e9e', pattern: [/^[0-9a-f]{6}$/, 'Enter a valid hexadecimal RGB color code.'] }) color: string = '9e9e9e';
}
