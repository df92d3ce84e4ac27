// The core's errors are plain errors with codes; the GraphQL edge gives them their
// extensions.code (and fields / items for validation), the shapes every client reads.
import { buildSchema, execute, GraphQLError, parse } from 'graphql';
import { AuthError, ConflictError, DomainError, NotFoundError, UnavailableError, ValidationError } from '../../src/domain/errors';
import { domainCause, domainExtensions, fromDomainError, withDomainCodes } from '../../src/graphql/errors';

const schema = buildSchema('type Query { fails: Int }');

async function thrownThroughGraphql(error: Error) {
  const result = await execute({ schema, document: parse('{ fails }'), rootValue: { fails: () => { throw error; } } });
  return withDomainCodes(result).errors![0];
}

describe('domain errors at the GraphQL edge', () => {
  test.each<[string, DomainError, Record<string, unknown>]>([
    ['validation', new ValidationError({ asn: ['Too big.'] }), { code: 'BAD_USER_INPUT', fields: { asn: ['Too big.'] } }],
    ['bulk validation', new ValidationError({}, [{}, { name: ['Required.'] }]), { code: 'BAD_USER_INPUT', fields: {}, items: [{}, { name: ['Required.'] }] }],
    ['not found', new NotFoundError('No such thing.'), { code: 'NOT_FOUND' }],
    ['conflict', new ConflictError('In use.'), { code: 'CONFLICT' }],
    ['unauthenticated', new AuthError('UNAUTHENTICATED', 'Who are you?'), { code: 'UNAUTHENTICATED' }],
    ['forbidden', new AuthError('FORBIDDEN', 'Not you.'), { code: 'FORBIDDEN' }],
    ['unavailable', new UnavailableError('No router.'), { code: 'SERVICE_UNAVAILABLE' }],
  ])('%s', async (_name, error, extensions) => {
    expect(error).not.toBeInstanceOf(GraphQLError);
    expect(domainExtensions(error)).toEqual(extensions);
    const e = await thrownThroughGraphql(error);
    expect(e.extensions).toEqual(extensions);
    expect(e.message).toBe(error.message);
    expect(e.path).toEqual(['fails']);
    expect(domainCause(e)).toBe(error);
    // Raised before execution (a dialect's variables), the same shape without a path.
    const early = fromDomainError(error);
    expect([early.message, early.extensions, domainCause(early)]).toEqual([error.message, extensions, error]);
  });

  test.each<[string, ValidationError, string]>([
    ['the first field message', new ValidationError({ asn: ['Too big.', 'Odd.'], name: ['Empty.'] }), 'asn: Too big.'],
    ['the first failing item', new ValidationError({}, [{}, { name: ['Required.'] }]), 'name: Required.'],
    ['a message given', new ValidationError({ x: ['y'] }, undefined, 'Explained.'), 'Explained.'],
    ['no detail', new ValidationError({}), 'Invalid input.'],
  ])('a validation error is named by %s', (_name, error, message) => {
    expect(error.message).toBe(message);
  });

  test('other errors keep their form (Apollo answers them as internal errors)', async () => {
    const e = await thrownThroughGraphql(new Error('boom'));
    expect(e.extensions).toEqual({});
    expect(domainCause(e)).toBeNull();
  });

  test('a result without domain errors is returned as it is', async () => {
    const result = await execute({ schema, document: parse('{ fails }'), rootValue: { fails: () => 1 } });
    expect(withDomainCodes(result)).toBe(result);
  });
});
