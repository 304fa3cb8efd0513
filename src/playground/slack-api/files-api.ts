import { SlackApiError } from './errors.ts';
import type { Handler } from './messages-api.ts';
import type { PlaygroundStore } from './store.ts';
import { DEMO_BOT } from './workspace.ts';

/** Where the stand-in takes uploaded bytes (files.getUploadURLExternal points there). */
export const UPLOAD_PATH = '/upload/v1/';
/** Where the stand-in serves shared files. */
export const FILES_PATH = '/files/';

export interface PlaygroundFile {
  id: string;
  filename: string;
  length: number;
  content?: Buffer;
  title?: string;
}

/**
 * files.getUploadURLExternal + the upload URL + files.completeUploadExternal (what `filesUploadV2`
 * does): the file is kept in memory and shared as a message with a download link on the page.
 */
export class PlaygroundFiles {
  readonly files = new Map<string, PlaygroundFile>();

  constructor(
    private readonly store: PlaygroundStore,
    private readonly baseUrl: () => string,
  ) {}

  methods(): Record<string, Handler> {
    return {
      'files.getUploadURLExternal': (args) => {
        const filename = String(args.filename ?? '');
        const length = Number(args.length);
        if (filename === '') throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: filename']);
        if (!Number.isInteger(length) || length < 1) {
          throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: length']);
        }
        const id = this.store.nextId('F');
        this.files.set(id, { id, filename, length });
        return { upload_url: `${this.baseUrl()}${UPLOAD_PATH}${id}`, file_id: id };
      },
      'files.completeUploadExternal': (args) => {
        const requested = args.files;
        if (!Array.isArray(requested) || requested.length === 0) {
          throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: files']);
        }
        const conversation = args.channel_id === undefined ? undefined : this.store.postable(args.channel_id);
        const files = requested.map((entry) => {
          const { id, title } = entry as { id?: unknown; title?: unknown };
          const file = this.files.get(String(id ?? ''));
          if (file?.content === undefined || file.content.length !== file.length)
            throw new SlackApiError('file_not_found');
          file.title = typeof title === 'string' ? title : file.filename;
          return file;
        });
        if (conversation !== undefined) {
          const comment = typeof args.initial_comment === 'string' ? `${args.initial_comment}\n` : '';
          const links = files.map((file) => `<${this.fileUrl(file.id)}|${file.title ?? file.filename}>`).join('\n');
          this.store.putMessage({
            channel: conversation.id,
            ts: this.store.nextTs(),
            user: DEMO_BOT.userId,
            text: `${comment}${links}`,
          });
        }
        return {
          files: files.map((file) => ({ id: file.id, title: file.title, name: file.filename, size: file.length })),
        };
      },
    };
  }

  /** Where the page links to a shared file: the stand-in serves it on loopback, as Slack serves files.slack.com. */
  fileUrl(id: string): string {
    return `${this.baseUrl()}${FILES_PATH}${id}`;
  }

  /** Takes an upload's bytes, raw or as the one file of a multipart form; false for an unknown id. */
  async receive(id: string, contentType: string, body: Buffer): Promise<boolean> {
    const file = this.files.get(id);
    if (file === undefined) return false;
    let content = body;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((value) => typeof value !== 'string');
      content =
        part === undefined || typeof part === 'string' ? Buffer.alloc(0) : Buffer.from(await part.arrayBuffer());
    }
    file.content = content;
    return true;
  }
}
