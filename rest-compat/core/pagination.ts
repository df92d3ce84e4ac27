// Limit/offset pagination with absolute next/previous links that keep every
// other query parameter (Django REST framework's LimitOffsetPagination).
import { pageLimit, type Paging } from '../../src/domain/crud';

export interface Page { limit: number | undefined; offset: number }

/** Negative or non-numeric limits fall back to the default; invalid offsets to 0. */
export function pageFromQuery(params: URLSearchParams, paging: Paging): Page {
  const rawLimit = params.get('limit');
  const limitNum = rawLimit !== null && /^\d+$/.test(rawLimit.trim()) ? Math.min(Number(rawLimit), 2147483647) : null;
  const rawOffset = params.get('offset');
  const offset = rawOffset !== null && /^\d+$/.test(rawOffset.trim()) ? Math.min(Number(rawOffset), 2147483647) : 0;
  return { limit: pageLimit(limitNum, paging), offset };
}

/** The GraphQL `limit` argument for a page: undefined = every row (no maximum configured). */
export function gqlLimit(page: Page): number {
  return page.limit ?? 0;
}

export function pageLinks(absoluteUrl: string, page: Page, count: number): { next: string | null; previous: string | null } {
  if (page.limit === undefined) return { next: null, previous: null };
  const limit = page.limit;
  // One parse for both links: each sets every parameter it changes.
  const u = new URL(absoluteUrl);
  const link = (offset: number | null) => {
    u.searchParams.set('limit', String(limit));
    if (offset === null) u.searchParams.delete('offset');
    else u.searchParams.set('offset', String(offset));
    return u.toString();
  };
  const next = page.offset + limit < count ? link(page.offset + limit) : null;
  let previous: string | null = null;
  if (page.offset > 0) previous = page.offset - limit <= 0 ? link(null) : link(page.offset - limit);
  return { next, previous };
}
