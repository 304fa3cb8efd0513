import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { COMMAND_REQUEST_ACTION } from '../../ids.ts';
import { validated, ZSlashCommand } from '../../payloads.ts';
import { staleCommand } from '../stale.ts';
import { requestActionCommandCallback } from './request-action.ts';

/** Registers the slash commands; returns the commands they answer. */
export function register(app: App, deps: CoreDeps): string[] {
  app.command(COMMAND_REQUEST_ACTION, validated(ZSlashCommand, requestActionCommandCallback(deps), staleCommand));
  return [COMMAND_REQUEST_ACTION];
}
