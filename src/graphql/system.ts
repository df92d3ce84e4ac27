// Operations that are not generic model CRUD: tokens, who am I, object-change subscription.
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Token } from '../domain/users/token';
import { User } from '../domain/users/user';
import { createToken } from '../domain/users/tokens';
import { DateTimeScalar, JSONScalar } from './scalars';
import { requireRead } from './guards';
import { AuthError, NotFoundError, ValidationError } from '../domain/errors';
import { canReadChangesOf, canReadRow, toWhere, writeGrant, NO_PERMISSION } from '../domain/access';
import { withScope } from '../domain/crud';
import { describe } from '../domain/model';
import { parseAllowedIps } from '../domain/users/allowed-ips';
import type { GqlContext } from './context';
import { LiveSource } from './live-source';
import type { JobChangedEvent, ObjectChangedEvent } from '../events/bus';
import { Job } from '../domain/core/job';
import { JobStatus, ObjectChangeAction } from '../domain/choices';
import { choiceEnum } from './choice-enums';
import { transaction } from '../db/transaction';

const JobStatusEnum = choiceEnum(JobStatus);
const ObjectChangeActionEnum = choiceEnum(ObjectChangeAction);

@ObjectType({ description: 'A new token; its key is shown only here' })
class NewToken {
  @Field(() => Token, { description: 'The token as stored' }) token!: Token;
  @Field(() => String, { description: 'The key to send as `Authorization: Token <key>`; not stored, shown only once' }) key!: string;
}

@InputType({ description: 'A new API token' })
class TokenCreateInput {
  @Field(() => String, { nullable: true, description: 'What the token is for' }) description?: string;
  @Field(() => Boolean, { nullable: true, description: 'May write (default true); false for a read-only token' }) writeEnabled?: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it stops working (default: never)' }) expires?: Date;
  @Field(() => ID, { nullable: true, description: 'Another user (superuser only)' }) userId?: string;
  @Field(() => [String], { nullable: true, description: 'CIDRs the token may be used from; empty or null for anywhere' }) allowedIps?: string[];
}

@ObjectType('JobChangedEvent', { description: 'A job changed status (pending, running, completed, errored, failed)' })
class JobChangedEventType {
  @Field(() => ID, { description: 'Id of the job' }) id!: number;
  @Field(() => String, { description: 'The job UUID (as /api/core/jobs/ shows it)' }) jobId!: string;
  @Field(() => String, { description: 'The job kind ("extras.webhook.process", ...)' }) name!: string;
  @Field(() => JobStatusEnum, { description: 'Where the job is in its life' }) status!: string;
  @Field(() => String, { description: 'Content type of the object the job acts on' }) objectType!: string;
  @Field(() => ID, { nullable: true, description: 'Id of the object the job acts on' }) objectId?: number | null;
  @Field(() => ID, { nullable: true, description: 'Id of the user who started it' }) userId?: number | null;
  @Field(() => String, { nullable: true, description: 'When it started running (ISO 8601)' }) started?: string | null;
  @Field(() => String, { nullable: true, description: 'When it ended (ISO 8601)' }) completed?: string | null;
}

@ObjectType('ObjectChangedEvent', { description: 'A create, update or delete of an object, as the change log records it' })
class ObjectChangedEventType {
  @Field(() => ID, { description: 'Id of the change record' }) id!: number;
  @Field(() => String, { description: 'When it was made (ISO 8601)' }) time!: string;
  @Field(() => ObjectChangeActionEnum, { description: 'What was done' }) action!: string;
  @Field(() => String, { description: 'Content type of the object ("peering.autonomoussystem")' }) objectType!: string;
  @Field(() => ID, { description: 'Id of the object' }) objectId!: number;
  @Field(() => String, { description: 'The object as text' }) objectRepr!: string;
  @Field(() => String, { description: 'The request that made it' }) requestId!: string;
  @Field(() => String, { description: 'Who made it' }) userName!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'The object before (null on create)' }) prechangeData?: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'The object after (null on delete)' }) postchangeData?: unknown;
}

@Resolver()
export class SystemResolver {
  @Query(() => User, { nullable: true, description: 'The authenticated user' })
  async me(@Ctx() ctx: GqlContext): Promise<User | null> {
    requireRead(ctx);
    // The caller carries plain data; the row, for every field `me` can select, is read here.
    return ctx.caller.user && ctx.em.findOne(User, { id: ctx.caller.user.id });
  }

  @Mutation(() => NewToken, { description: 'Creates an API token; the key is returned once' })
  async createToken(@Arg('input', () => TokenCreateInput, { description: 'The new token' }) input: TokenCreateInput, @Ctx() ctx: GqlContext): Promise<NewToken> {
    const d = describe(Token);
    const grant = writeGrant(ctx.caller, d, 'create');
    let user = ctx.caller.user!;
    if (input.userId && Number(input.userId) !== user.id) {
      // A caller limited to its own tokens learns nothing about other accounts here.
      if (grant.ownRows.length) throw new AuthError('FORBIDDEN', NO_PERMISSION);
      const other = await ctx.em.findOne(User, { id: Number(input.userId) || 0 });
      if (!other) throw new ValidationError({ userId: [`Related object not found using the provided numeric ID: ${input.userId}`] });
      user = other;
    }
    if (input.description && input.description.length > 100) throw new ValidationError({ description: ['Ensure this field has no more than 100 characters.'] });
    const allowedIps = parseAllowedIps(input.allowedIps, 'allowedIps');
    return transaction(ctx.em, (tem) => createToken(tem, tem.getReference(User, user.id), { ...input, allowedIps }));
  }

  @Mutation(() => Boolean, { description: 'Revokes (deletes) an API token' })
  async revokeToken(@Arg('id', () => ID, { description: 'Id of the token' }) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const grant = writeGrant(ctx.caller, describe(Token), 'delete');
    const n = Number(id);
    const token = Number.isSafeInteger(n) && n > 0 && n <= 2147483647 ? await ctx.em.findOne(Token, withScope({ id: n }, toWhere(grant.ownRows)) as any) : null;
    if (!token) throw new NotFoundError('No Token matches the given query.');
    // Every gateway forgets its cached lookups and ends the subscriptions holding this token now,
    // not at their next check (src/domain/users/credential-changes.ts watches the flush).
    await ctx.em.remove(token).flush();
    return true;
  }

  @Subscription(() => JobChangedEventType, {
    // Only jobs the subscriber may read (the Job model's grant: one's own, or all for staff).
    subscribe: ({ args, context }: { args: { id?: string; name?: string; status?: string[] }; context: GqlContext }) =>
      new LiveSource(context.bus, 'jobChanged', (payload: JobChangedEvent) =>
        canReadRow(context.caller, describe(Job), { user: payload.userId })
        && (!args.id || String(args.id) === String(payload.id)) && (!args.name || args.name === payload.name)
        && (!args.status?.length || args.status.includes(payload.status))),
    description: 'Status changes of jobs',
  })
  jobChanged(
    @Root() event: JobChangedEvent,
    @Arg('id', () => ID, { nullable: true, description: 'Only this job' }) _id?: string,
    @Arg('name', () => String, { nullable: true, description: 'Only jobs of this kind' }) _name?: string,
    @Arg('status', () => [JobStatusEnum], { nullable: true, description: 'Only these statuses' }) _status?: string[],
  ): JobChangedEvent {
    return event;
  }

  @Subscription(() => ObjectChangedEventType, {
    // Each subscriber gets only the records it may read, as the change log list shows them.
    subscribe: ({ args, context }: { args: { types?: string[]; actions?: string[] }; context: GqlContext }) =>
      new LiveSource(context.bus, 'objectChanged', (payload: ObjectChangedEvent) =>
        canReadChangesOf(context.caller, payload.objectType)
        && (!args.types?.length || args.types.includes(payload.objectType)) && (!args.actions?.length || args.actions.includes(payload.action))),
    description: 'Create/update/delete of any model, with the change record',
  })
  objectChanged(
    @Root() event: ObjectChangedEvent,
    @Arg('types', () => [String], { nullable: true, description: '"app.model" content types' }) _types?: string[],
    @Arg('actions', () => [ObjectChangeActionEnum], { nullable: true, description: 'Only these actions' }) _actions?: string[],
  ): ObjectChangedEvent {
    return event;
  }
}
