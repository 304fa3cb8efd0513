import type { BreakGlassResult } from '../../services/requests/break-glass.ts';
import type { ReviewResult } from '../../services/requests/break-glass-review.ts';
import { describeDecider } from '../blocks/kit/actor.ts';

/** What a refused break-glass press is told (null when it went through). */
export function explainBreakGlass(result: BreakGlassResult | { kind: 'ok' }): string | null {
  switch (result.kind) {
    case 'not_found':
      return 'This request no longer exists.';
    case 'late':
      return `Too late to break glass: this request is already ${result.request.status}${
        result.request.status === 'approved' || result.request.status === 'denied'
          ? ` ${describeDecider(result.request)}`
          : ''
      }.`;
    case 'refused':
      return result.reason === 'not_requester'
        ? 'Only the requester can break glass on this request.'
        : 'Break-glass is not allowed for this request: its rule does not allow it.';
    default:
      return null;
  }
}

/** What a refused Review press or submit is told (null when it went through). */
export function explainReview(result: ReviewResult): string | null {
  switch (result.kind) {
    case 'not_found':
      return 'This request no longer exists.';
    case 'refused':
      switch (result.reason) {
        case 'not_break_glass':
          return 'This request was not approved by break-glass: there is nothing to review.';
        case 'self_review':
          return "You can't review your own break-glass use: one of the request's approvers has to.";
        case 'not_an_approver':
          return `Only the request's approvers can review this break-glass use: ${result.request.approverIds.map((id) => `<@${id}>`).join(', ')}.`;
        case 'already_reviewed':
          return `This break-glass use was already reviewed by <@${result.request.breakGlassReviewedBy}>.`;
      }
      return null;
    default:
      return null;
  }
}
