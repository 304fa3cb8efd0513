import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AuditVerifyReport, RequestJson, RuleDocument, RuleJson, RulesDiff } from '../../../src/client/index.ts';
import type { RuleJson as ServerRuleJson, ZAuditVerifyReport, ZRulesDiff } from '../../../src/http/api/v1/schemas.ts';
import type { AuditVerifyReport as ServerReport } from '../../../src/services/audit/verify.ts';
import type { toRequestJson } from '../../../src/services/requests/wire/request-json.ts';
import type { RulesDiff as ServerDiff } from '../../../src/services/routing/apply-rules.ts';
import type { RuleDocument as ServerDocument } from '../../../src/services/routing/rule-document.ts';

type ServerJson = ReturnType<typeof toRequestJson>;

describe('the client’s hand-written types', () => {
  it('RequestJson accepts everything toRequestJson answers, and names no field it lacks', () => {
    // A type test (vitest's typecheck runs it through tsc): a field added, renamed or retyped on the
    // server without the client following fails here. `context` is Prisma's JsonValue on the server;
    // the API schema makes it a flat object of strings, numbers and booleans.
    expectTypeOf<Omit<ServerJson, 'context'>>().toExtend<Omit<RequestJson, 'context'>>();
    expectTypeOf<keyof RequestJson>().toEqualTypeOf<keyof ServerJson | 'audit'>();
  });
});

describe('the audit report types', () => {
  it('the client’s, the server’s and the documented one are the same', () => {
    expectTypeOf<AuditVerifyReport>().toEqualTypeOf<ServerReport>();
    expectTypeOf<z.output<typeof ZAuditVerifyReport>>().toEqualTypeOf<ServerReport>();
  });
});

describe('the rule types', () => {
  it('the client’s rule document, rule and diff are the server’s', () => {
    expectTypeOf<ServerDocument>().toExtend<RuleDocument>();
    expectTypeOf<RuleDocument>().toExtend<ServerDocument>();
    expectTypeOf<ServerRuleJson>().toExtend<RuleJson>();
    expectTypeOf<keyof RuleJson>().toEqualTypeOf<keyof ServerRuleJson>();
    expectTypeOf<RulesDiff>().toExtend<ServerDiff>();
    expectTypeOf<ServerDiff>().toExtend<RulesDiff>();
    expectTypeOf<z.output<typeof ZRulesDiff>>().toExtend<ServerDiff>();
  });
});
