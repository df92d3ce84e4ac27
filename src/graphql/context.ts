// What every resolver receives: the request's EntityManager fork, who is calling,
// the request's loaders, and the process-wide services.
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../config';
import type { EventBus } from '../events/bus';
import type { Loaders } from './loaders';
import type { Caller } from '../http/auth';
import type { SpeakerApi } from '../bgp/speaker-api/types';

export interface GqlContext {
  em: EntityManager;
  caller: Caller;
  loaders: Loaders;
  requestId: string;
  config: Config;
  bus: EventBus;
  /** Live BGP peers and their commands, in this process or over the bus. */
  speaker: SpeakerApi;
}
