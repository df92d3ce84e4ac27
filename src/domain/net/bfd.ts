import { Model, F } from '../model';
import { Organisational, ORGANISATIONAL } from '../base';

@Model<BFD>({
  app: 'net',
  name: 'BFD',
  plural: 'BFDs',
  restPath: 'bfd',
  modelName: 'bfd',
  verboseName: 'BFD configuration',
  ...ORGANISATIONAL,
})
export class BFD extends Organisational {
  @F.int({ min: 1, max: 255000, default: 300 }) minimumTransmitInterval: number = 300;
  @F.int({ min: 1, max: 255000, default: 300 }) minimumReceiveInterval: number = 300;
  @F.int({ min: 1, max: 255, default: 3 }) detectionMultiplier: number = 3;
  @F.int({ min: 0, max: 255000, default: 0 }) holdTime: number = 0;
}
