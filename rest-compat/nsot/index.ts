// The NSoT dialect registers itself on import.
import { registerMount } from '../../src/http/app';
import { mountNsot } from './mount';

registerMount(mountNsot);
