// Depth-0 lists (`/api/<tag>` without pretty, `fields` choosing keys, and the `/public/<tag>-0.json`
// dumps) as one JSON text the read compiler builds in PeeringDB's names and formats: the full
// lists scripts and syncs read (30,000 nets, 60,000 netixlans) never become JS objects. The rows
// are the GraphQL list's for list.ts's translation of the query string (the caller's read grants
// as SQL scopes); the keys, their order and the values are ./shape.ts's renderObject's.
import { GraphQLError } from 'graphql';
import { pdbTable } from '../../src/domain/peeringdb/columns';
import type { PdbTag } from '../../src/domain/peeringdb/tags';
import { compiledListText, type TextShape } from '../../src/graphql/read-compiler/json-text';
import { fromDomainError } from '../../src/graphql/errors';
import { DomainError } from '../../src/domain/errors';
import type { GqlContext } from '../../src/graphql/context';
import type { RunningApp } from '../../src/http/app';
import { translate } from './query';
import { setsWhole } from './detail';
import { fromGraphql } from './graphql-errors';
import { askedFields } from './params';

/** PeeringDB's timestamps: UTC seconds, `2021-08-01T00:10:05Z`. */
const seconds = (v: string) => `to_char(${v} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** PeeringDB blanks the contact details of a deleted poc. */
const BLANKED_WHEN_DELETED = new Set(['name', 'phone', 'email', 'url']);

const shapes = new Map<PdbTag, TextShape>();

function shapeOf(tag: PdbTag): TextShape {
  let shape = shapes.get(tag);
  if (!shape) {
    const t = pdbTable(tag);
    shape = {
      model: t.d,
      keys: t.columns.filter((c) => !c.field.writeOnly).map((c) => ({
        key: c.rest,
        field: c.prop,
        format: c.kind === 'datetime' ? seconds
          : tag === 'poc' && BLANKED_WHEN_DELETED.has(c.rest) ? (v, col) => `case when ${col('status')} = 'deleted' then '' else ${v} end`
            : undefined,
      })),
    };
    shapes.set(tag, shape);
  }
  return shape;
}

/** `fields=a,b`: only those keys, in their usual order (as mount.ts pick() keeps them). */
function picked(shape: TextShape, params: URLSearchParams): TextShape {
  const keep = askedFields(params);
  return keep ? { model: shape.model, keys: shape.keys.filter((k) => keep.has(k.key)) } : shape;
}

/**
 * The list's JSON array text, or null when it is not a plain depth-0 list (a depth or a page asked
 * for, or `fields` naming no key). Parameters translate() refuses throw its PdbError.
 */
export async function listText(running: RunningApp, ctx: GqlContext, tag: PdbTag, params: URLSearchParams): Promise<string | null> {
  const q = translate(tag, params);
  if (q.depth > 0 || q.page) return null;
  const shape = picked(shapeOf(tag), params);
  // No key it knows: the object path's empty objects.
  if (!shape.keys.length) return null;
  const whole = setsWhole(ctx);
  const paging = { paginateCount: whole.config.paginateCount, maxPageSize: whole.config.maxPageSize };
  try {
    // limit 0 is PeeringDB's "no limit": the largest page, which the dialect's context leaves unbounded.
    return await compiledListText(whole, running.executor.schema, shape, q, paging);
  } catch (e) {
    if (e instanceof GraphQLError) throw fromGraphql(e);
    if (e instanceof DomainError) throw fromGraphql(fromDomainError(e));
    throw e;
  }
}
