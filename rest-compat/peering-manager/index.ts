// The Peering Manager dialect registers itself on import.
import { registerMount } from '../../src/http/app';
import { mountPeeringManager } from './mount';

registerMount(mountPeeringManager);
