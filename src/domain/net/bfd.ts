import { Model, F } from '../model';
import { Organisational } from '../base';

@Model<BFD>({
  app: 'net',
  name: 'BFD',
  plural: 'BFDs',
  restPath: 'bfd',
  modelName: 'bfd',
  verboseName: 'BFD configuration',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug'],
  ordering: ['name'],
  q: ['name', 'slug', 'description'],
})
export class BFD extends Organisational {
  @F.int({ min: 1, max: 255000, default: 300 }) minimumTransmitInterval: number = 300;
  @F.int({ min: 1, max: 255000, default: 300 }) minimumReceiveInterval: number = 300;
  @F.int({ min: 1, max: 255, default: 3 }) detectionMultiplier: number = 3;
  @F.int({ min: 0, max: 255000, default: 0 }) holdTime: number = 0;
}
