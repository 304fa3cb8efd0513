import { checkGrantClaims, GrantVerificationError, verifyGrantSignature } from '../../../client/index.ts';
import { parseCommand, stringFlag } from '../args.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { type Io, say } from '../io.ts';
import { jwksUrlOf, serviceUrl } from '../settings.ts';

/** `greenlight verify --help`. */
export const VERIFY_USAGE = `Usage: greenlight verify <token> [--action A] [--resource R] [--environment E] [--request-id ID] [--url URL]

Verifies a grant offline against the service's published keys (<url>/.well-known/jwks.json):
signature, type and time window, then each claim given as a flag. Prints the claims as JSON.
No API key is needed. The token may also come from GREENLIGHT_GRANT (pass - or nothing).

Options:
  --action A         the grant must be for this action
  --resource R       … this resource
  --environment E    … this environment
  --request-id ID    … this request
  --url URL          the service (or GREENLIGHT_URL)
  -h, --help         this help

Exit codes: 0 valid; 1 invalid (the reason on stderr); 64 bad usage; 69 keys unreachable.
`;

const OPTIONS = {
  action: { type: 'string' },
  resource: { type: 'string' },
  environment: { type: 'string' },
  'request-id': { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `greenlight verify`: see {@link VERIFY_USAGE}. */
export async function verify(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, OPTIONS, VERIFY_USAGE, io);
  if (parsed === null) return EXIT.ok;
  const { values, words: given } = parsed;
  if (given.length > 1) throw new UsageError('give one token: greenlight verify <token>');
  const token = given[0] === undefined || given[0] === '-' ? io.env.GREENLIGHT_GRANT : given[0];
  if (token === undefined || token.trim() === '') {
    throw new UsageError('no token: greenlight verify <token> (or set GREENLIGHT_GRANT)');
  }
  const url = serviceUrl(values, io);
  const action = stringFlag(values, 'action');
  const resource = stringFlag(values, 'resource');
  const environment = stringFlag(values, 'environment');
  const requestId = stringFlag(values, 'request-id');
  try {
    const claims = await verifyGrantSignature(token.trim(), { jwksUrl: jwksUrlOf(url) });
    checkGrantClaims(claims, {
      ...(action === undefined ? {} : { action }),
      ...(resource === undefined ? {} : { resource }),
      ...(environment === undefined ? {} : { environment }),
      ...(requestId === undefined ? {} : { requestId }),
    });
    io.stdout.write(`${JSON.stringify(claims, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof GrantVerificationError)) throw error;
    say(io, `invalid grant (${error.claim}): ${error.message}`);
    return EXIT.invalid;
  }
}
