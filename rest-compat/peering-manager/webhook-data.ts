// Webhook payloads carry Peering Manager's REST representation of the object (pm-workflows §3.3 #2):
// the default (non-brief) shape this dialect answers a detail GET with, through the same GraphQL
// documents, with relative URLs (Peering Manager builds it without a request). The core asks for it
// through setWebhookDataSerializer, so that it never imports the dialect.
import type { Config } from '../../src/config';
import type { EventBus } from '../../src/events/bus';
import type { GqlContext } from '../../src/graphql/context';
import type { RunningApp } from '../../src/http/app';
import { Loaders } from '../../src/graphql/loaders';
import { LocalSpeaker } from '../../src/bgp/speaker-api/local';
import { modelByContentType } from '../../src/domain/model';
import { logger } from '../../src/log';
import { setWebhookDataSerializer, type WebhookDataSerializer } from '../../src/workflows/webhooks/data';
import { documentFor } from '../core/documents';
import { shapeFor } from '../core/projection';
import { urlBuilder } from './registry';

/** Ids per list document: a bulk write of thousands of objects is read in a few pages. */
const CHUNK = 500;
const RELATIVE_URLS = urlBuilder('');
// A read-only context: list paging is all the resolvers read from the configuration, and reads
// publish nothing on the bus.
const READ_CONFIG = { loginRequired: false, paginateCount: CHUNK, maxPageSize: 0 } as Config;
const NO_BUS = null as unknown as EventBus;
/** Model representations read no live BGP state. */
const NO_SPEAKER = new LocalSpeaker();

function serializer(running: RunningApp): WebhookDataSerializer {
  return async (em, contentType, ids, caller) => {
    const out = new Map<number, Record<string, unknown>>();
    const d = modelByContentType(contentType);
    if (!d) return out;
    const shape = shapeFor(d, {});
    const doc = documentFor('list', d, shape.selection);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const ctx: GqlContext = { em, caller, loaders: new Loaders(em, () => caller), requestId: '', config: READ_CONFIG, bus: NO_BUS, speaker: NO_SPEAKER };
      const r = await running.executor.run(doc.text, { filter: { id: { exact: chunk } }, limit: chunk.length }, ctx);
      if (r.errors?.length) {
        // The write goes on: its deliveries fall back to the change-log snapshot.
        logger.warn({ contentType, error: r.errors[0].message }, 'webhook data: REST representation not available, snapshot used');
        continue;
      }
      const items = (r.data as Record<string, { items: Record<string, unknown>[] }>)[doc.root].items;
      for (const item of items) out.set(Number(item.id), shape.render(item, RELATIVE_URLS));
    }
    return out;
  };
}

export function registerWebhookData(running: RunningApp): void {
  setWebhookDataSerializer(serializer(running));
}
