import { type ActorJson, GrantVerificationError, GreenlightError, type RequestJson } from '../../client/index.ts';
import { CliExit, EXIT, UsageError } from './exit-codes.ts';

/**
 * An actor as one short phrase: `U0123ABCD`, `rule "Staging"`, `service ci` (`service ci on behalf of
 * U0123ABCD` when it acted for the requester it named), `Greenlight`.
 */
export function describeActor(actor: ActorJson | null | undefined): string {
  if (actor === null || actor === undefined) return 'someone';
  switch (actor.type) {
    case 'user':
      return actor.id;
    case 'rule':
      return `rule "${actor.id}"`;
    case 'service':
      return actor.onBehalfOf === undefined
        ? `service ${actor.id}`
        : `service ${actor.id} on behalf of ${actor.onBehalfOf}`;
    default:
      return 'Greenlight';
  }
}

const withReason = (text: string, reason: string | null | undefined) => (reason ? `${text}: ${reason}` : text);

/**
 * The exit code and message of a request that will not be run: denied (77), ended without a
 * usable grant (75), or still pending (124, the wait ran out). Null for an approved request.
 */
export function refusalOf(request: RequestJson): CliExit | null {
  const { decision, grantEnd } = request;
  const id = `request ${request.id}`;
  switch (request.status) {
    case 'approved':
      return null;
    case 'pending':
      return new CliExit(EXIT.timeout, `${id} is still pending: stopped waiting`);
    case 'denied':
      return new CliExit(
        EXIT.denied,
        withReason(`${id} was denied by ${describeActor(decision?.actor)}`, decision?.reason),
      );
    case 'expired':
      return new CliExit(EXIT.ended, `${id} expired: nobody decided in time`);
    case 'cancelled':
      return new CliExit(
        EXIT.ended,
        withReason(`${id} was cancelled by ${describeActor(decision?.actor)}`, decision?.reason),
      );
    case 'revoked':
      return new CliExit(
        EXIT.ended,
        withReason(`${id}'s grant was revoked by ${describeActor(grantEnd?.actor)}`, grantEnd?.reason),
      );
    case 'lapsed':
      return new CliExit(EXIT.ended, `${id}'s grant lapsed unused`);
    case 'executed':
      return new CliExit(EXIT.ended, `${id} was already executed: its grant is spent`);
  }
}

/** The exit code and message for anything a command throws. */
export function exitOf(error: unknown): CliExit {
  if (error instanceof CliExit) return error;
  if (error instanceof UsageError) return new CliExit(EXIT.usage, error.message);
  if (error instanceof GrantVerificationError) {
    return new CliExit(EXIT.unavailable, `the grant does not verify (${error.claim}): ${error.message}`);
  }
  if (error instanceof GreenlightError) {
    const fields = error.fields.map((field) => `\n  ${field.path}: ${field.message}`).join('');
    const code = error.code === 'validation_failed' ? EXIT.usage : EXIT.unavailable;
    const what =
      error.status === 0 ? error.message : `the service refused (${error.status} ${error.code}): ${error.message}`;
    return new CliExit(code, `${what}${fields}`);
  }
  return new CliExit(
    70,
    `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
}
