import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { PlaygroundHooks } from '../app.ts';
import type { PlaygroundSlack } from '../config/playground.ts';
import { checkMessage, checkView } from './render/index.ts';
import { playgroundRoutes } from './routes.ts';
import { resetDemo, seedDemo } from './seed.ts';
import { type SlackStandIn, startSlackStandIn } from './slack-api/server.ts';
import { APPROVALS_CHANNEL, DEMO_ADMINS, DEMO_GROUP } from './slack-api/workspace.ts';

/**
 * The Playground (issue 19): a Slack-like workspace in the browser served by Greenlight itself,
 * where the real app (the same Bolt listeners, builders and jobs) runs against an in-process
 * stand-in for Slack's Web API. main.ts starts it when no Slack setting is set.
 */
export interface Playground {
  /** What replaces the Slack app's settings in the config. */
  slack: PlaygroundSlack;
  hooks(options: { port: number; dataDir: string; logger: Logger }): PlaygroundHooks;
  close(): Promise<void>;
}

/** Starts the stand-in (on a free loopback port) and makes this run's signing secret. */
export async function startPlayground(): Promise<Playground> {
  const standIn: SlackStandIn = await startSlackStandIn({ message: checkMessage, view: checkView });
  // Random per start: only this process can sign what Bolt's receiver accepts.
  const signingSecret = randomBytes(32).toString('hex');
  let apiKey: string | undefined;
  return {
    slack: {
      apiUrl: standIn.url,
      botToken: standIn.botToken,
      signingSecret,
      approvalChannel: APPROVALS_CHANNEL.id,
      approvers: [DEMO_GROUP.id],
      admins: DEMO_ADMINS,
    },
    hooks({ port, dataDir, logger }) {
      let seedDeps: Parameters<typeof resetDemo>[0] | undefined;
      return {
        async seed(deps) {
          seedDeps = deps;
          const demo = await seedDemo(deps, dataDir);
          apiKey = demo.secret;
          if (demo.seeded) logger.info('playground: seeded the demo workspace (rules, a demo API key)');
          return { url: `http://localhost:${port}/playground`, apiKey };
        },
        routes() {
          return playgroundRoutes({
            standIn,
            signingSecret,
            logger,
            apiKey: () => apiKey,
            async reset() {
              if (seedDeps === undefined) throw new Error('the Playground has not started');
              const demo = await resetDemo(seedDeps, dataDir);
              apiKey = demo.secret;
              standIn.store.reset();
            },
          });
        },
      };
    },
    close: () => standIn.close(),
  };
}
