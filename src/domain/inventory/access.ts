import type { AccessRule } from '../access';

/** NSoT's inventory is written by staff and superusers; other users read it (PeerGate has no per-site permissions). */
export const INVENTORY_ACCESS: AccessRule = { write: 'staff' };
