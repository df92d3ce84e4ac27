// The PeeringDB dialect registers itself on import.
import { registerMount } from '../../src/http/app';
import { mountPeeringDB } from './mount';

registerMount(mountPeeringDB);
