// The yabgp dialect registers itself on import.
import { registerMount } from '../../src/http/app';
import { mountYabgp } from './mount';

registerMount(mountYabgp);
