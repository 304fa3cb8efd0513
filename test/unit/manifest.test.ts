import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_REQUEST_ACTION } from '../../src/slack/ids.ts';

// Slack's published manifest schemas, vendored with their licence (see test/fixtures/slack/README.md).
const SLACK_SCHEMAS = new URL('../fixtures/slack/', import.meta.url);
const REF_BASE = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';

function loadJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, SLACK_SCHEMAS), 'utf8')) as Record<string, unknown>;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  // The top-level schema selects a versioned schema by URL; register both under those URLs.
  for (const version of ['1.0.0', '2.0.0']) {
    ajv.addSchema(loadJson(`manifest.schema.${version}.json`), `${REF_BASE}manifest.schema.${version}.json`);
  }
  return ajv.compile(loadJson('manifest.schema.json'));
}

type Manifest = {
  features: { slash_commands: Array<{ command: string }>; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
};

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  const validate = validator();

  it("passes Slack's own manifest schema", () => {
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('still passes in its Socket Mode form (the instructions of docs/guides/slack-app-setup.md)', () => {
    const socket = structuredClone(manifest) as Manifest & { features: { slash_commands: Array<{ url?: string }> } };
    socket.settings.socket_mode_enabled = true;
    delete socket.settings.event_subscriptions.request_url;
    delete socket.settings.interactivity.request_url;
    delete (socket.settings.interactivity as { message_menu_options_url?: string }).message_menu_options_url;
    for (const command of socket.features.slash_commands) delete command.url;
    expect(validate(socket), JSON.stringify(validate.errors)).toBe(true);
  });

  it('would be refused by the schema when broken (the check can fail)', () => {
    const broken = structuredClone(manifest) as unknown as Record<string, unknown>;
    delete broken.display_information;
    expect(validate(broken)).toBe(false);
  });

  it('declares the command, interactivity, Home tab and the event Greenlight handles', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND_REQUEST_ACTION]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
  });

  it('asks for the least bot scopes the features need', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:history', // finding a card whose post was answered but the answer lost
        'groups:history', // the same in private approval channels
        'chat:write',
        'commands',
        'dnd:read', // approvers in Do Not Disturb are DM'd after the others
        'files:write', // App Home's audit export, uploaded to the admin's DM
        'im:write',
        'usergroups:read',
        'users:read',
        'users:read.email',
      ].sort(),
    );
  });
});
