// Operations that are not generic model CRUD: tokens, who am I, object-change subscription.
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Token } from '../domain/users/token';
import { User } from '../domain/users/user';
import { createToken } from '../domain/users/tokens';
import { DateTimeScalar } from './scalars';
import { requireRead, requireWrite } from './guards';
import { AuthError, NotFoundError, ValidationError } from './errors';
import type { GqlContext } from './context';
import type { ObjectChangedEvent } from '../events/bus';

@ObjectType({ description: 'A new token; its key is shown only here' })
class NewToken {
  @Field(() => Token) token!: Token;
  @Field(() => String) key!: string;
}

@InputType()
class TokenCreateInput {
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => Boolean, { nullable: true }) writeEnabled?: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) expires?: Date;
  @Field(() => ID, { nullable: true, description: 'Another user (staff only)' }) userId?: string;
}

@ObjectType('ObjectChangedEvent')
class ObjectChangedEventType {
  @Field(() => ID) id!: number;
  @Field(() => String) time!: string;
  @Field(() => String) action!: string;
  @Field(() => String) objectType!: string;
  @Field(() => ID) objectId!: number;
  @Field(() => String) objectRepr!: string;
  @Field(() => String) requestId!: string;
  @Field(() => String) userName!: string;
  @Field(() => GraphQLJSON, { nullable: true }) prechangeData?: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) postchangeData?: unknown;
}

@Resolver()
export class SystemResolver {
  @Query(() => User, { nullable: true, description: 'The authenticated user' })
  me(@Ctx() ctx: GqlContext): User | null {
    requireRead(ctx);
    return ctx.caller.user;
  }

  @Mutation(() => NewToken, { description: 'Creates an API token; the key is returned once' })
  async createToken(@Arg('input', () => TokenCreateInput) input: TokenCreateInput, @Ctx() ctx: GqlContext): Promise<NewToken> {
    requireWrite(ctx);
    let user = ctx.caller.user!;
    if (input.userId && Number(input.userId) !== user.id) {
      if (!user.isStaff && !user.isSuperuser) throw new AuthError('FORBIDDEN', 'You do not have permission to perform this action.');
      const other = await ctx.em.findOne(User, { id: Number(input.userId) || 0 });
      if (!other) throw new ValidationError({ userId: [`Related object not found using the provided numeric ID: ${input.userId}`] });
      user = other;
    }
    if (input.description && input.description.length > 100) throw new ValidationError({ description: ['Ensure this field has no more than 100 characters.'] });
    return ctx.em.transactional((tem) => createToken(tem, tem.getReference(User, user.id), input));
  }

  @Mutation(() => Boolean, { description: 'Revokes (deletes) an API token' })
  async revokeToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    requireWrite(ctx);
    const token = await ctx.em.findOne(Token, { id: Number(id) || 0 });
    const me = ctx.caller.user!;
    if (!token || (token.user.id !== me.id && !me.isStaff && !me.isSuperuser)) throw new NotFoundError('No Token matches the given query.');
    await ctx.em.remove(token).flush();
    return true;
  }

  @Subscription(() => ObjectChangedEventType, {
    topics: 'objectChanged',
    filter: ({ payload, args }: { payload: ObjectChangedEvent; args: { types?: string[]; actions?: string[] } }) =>
      (!args.types?.length || args.types.includes(payload.objectType)) && (!args.actions?.length || args.actions.includes(payload.action)),
    description: 'Create/update/delete of any model, with the change record',
  })
  objectChanged(
    @Root() event: ObjectChangedEvent,
    @Arg('types', () => [String], { nullable: true, description: '"app.model" content types' }) _types?: string[],
    @Arg('actions', () => [String], { nullable: true, description: 'create, update, delete' }) _actions?: string[],
  ): ObjectChangedEvent {
    return event;
  }
}
