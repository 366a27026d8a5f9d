import type {
  AnyProcedure,
  AnyRouter,
  inferProcedureInput,
  inferProcedureOutput,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
  TRPCRouterRecord,
  TRPCSubscriptionProcedure,
} from '@trpc/server';

/*
 * The router as a client sees it: the same procedures, inputs, outputs and error shapes, with the
 * server's context (database handle, services) and its OpenAPI meta replaced by `object`.
 *
 * Only the two functions are exported, on purpose: TypeScript's declaration emitter prints a type
 * alias by name when the alias is reachable from the output and writes its structure out otherwise.
 * So `const record = expandRecord<AppRouter>()` emits every procedure's input and output written
 * out in full, with nothing pointing back at the server's modules (Kysely, services, zod schemas).
 */

type PublicDef<P extends AnyProcedure> = {
  input: inferProcedureInput<P>;
  output: inferProcedureOutput<P>;
  meta: object;
  errorShape: P['_def']['$types']['errorShape'];
};

type PublicProcedure<P extends AnyProcedure> = P['_def']['type'] extends 'query'
  ? TRPCQueryProcedure<PublicDef<P>>
  : P['_def']['type'] extends 'mutation'
    ? TRPCMutationProcedure<PublicDef<P>>
    : TRPCSubscriptionProcedure<PublicDef<P>>;

type PublicRecord<R> = {
  [K in keyof R]: R[K] extends AnyProcedure
    ? PublicProcedure<R[K]>
    : R[K] extends TRPCRouterRecord
      ? PublicRecord<R[K]>
      : never;
};

type ServerRootTypes<R extends AnyRouter> = R['_def']['_config']['$types'];

type PublicRoot<R extends AnyRouter> = {
  ctx: object;
  meta: object;
  errorShape: ServerRootTypes<R>['errorShape'];
  transformer: ServerRootTypes<R>['transformer'];
};

export declare function expandRoot<R extends AnyRouter>(): PublicRoot<R>;
export declare function expandRecord<R extends AnyRouter>(): PublicRecord<R['_def']['record']>;
