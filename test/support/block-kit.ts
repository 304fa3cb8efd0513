/**
 * The Slack double checks Block Kit with the same code the Playground's stand-in uses, so the two
 * can never disagree about what Slack refuses (one implementation, in `src/`).
 */
export { validateMessageBlocks, validateMessageText, validateView } from '../../src/playground/render/limits.ts';
