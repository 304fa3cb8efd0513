/**
 * Block Kit limits as Slack enforces them on chat.postMessage / chat.update (invalid_blocks) and
 * views.open / views.publish / views.update (invalid_arguments). Each problem is reported the way
 * Slack words it: a message and a JSON pointer.
 */
const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  actionElements: 25,
  contextElements: 10,
  id: 255,
  buttonValue: 2000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  optionText: 75,
  optionsPerSelect: 100,
  messageText: 40_000,
} as const;

const KNOWN_BLOCKS = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'input',
  'image',
  'rich_text',
  'markdown',
  'file',
  'video',
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkText(problems: string[], text: unknown, pointer: string, max: number, plainOnly = false): void {
  if (!isObject(text)) {
    problems.push(`must provide an object [json-pointer:${pointer}]`);
    return;
  }
  if (text.type !== 'plain_text' && text.type !== 'mrkdwn') {
    problems.push(`must be plain_text or mrkdwn [json-pointer:${pointer}/type]`);
    return;
  }
  if (plainOnly && text.type !== 'plain_text') problems.push(`must be plain_text [json-pointer:${pointer}/type]`);
  if (typeof text.text !== 'string' || text.text.length === 0) {
    problems.push(`must be more than 0 characters [json-pointer:${pointer}/text]`);
  } else if (text.text.length > max) {
    problems.push(`must be less than ${max + 1} characters [json-pointer:${pointer}/text]`);
  }
}

function checkId(problems: string[], value: unknown, pointer: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > LIMITS.id) {
    problems.push(`must be less than ${LIMITS.id + 1} characters [json-pointer:${pointer}]`);
  }
}

function checkElement(problems: string[], element: unknown, pointer: string): void {
  if (!isObject(element)) {
    problems.push(`must provide an object [json-pointer:${pointer}]`);
    return;
  }
  checkId(problems, element.action_id, `${pointer}/action_id`);
  if (element.type === 'button') {
    checkText(problems, element.text, `${pointer}/text`, LIMITS.buttonText, true);
    if (typeof element.value === 'string' && element.value.length > LIMITS.buttonValue) {
      problems.push(`must be less than ${LIMITS.buttonValue + 1} characters [json-pointer:${pointer}/value]`);
    }
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problems.push(`must be primary or danger [json-pointer:${pointer}/style]`);
    }
    if (element.confirm !== undefined) {
      const confirm = element.confirm as Json;
      checkText(problems, confirm.title, `${pointer}/confirm/title`, 100, true);
      checkText(problems, confirm.text, `${pointer}/confirm/text`, 300);
      checkText(problems, confirm.confirm, `${pointer}/confirm/confirm`, 30, true);
      checkText(problems, confirm.deny, `${pointer}/confirm/deny`, 30, true);
    }
  }
  if (Array.isArray(element.options)) {
    if (element.options.length > LIMITS.optionsPerSelect) {
      problems.push(`must provide at most ${LIMITS.optionsPerSelect} items [json-pointer:${pointer}/options]`);
    }
    element.options.forEach((option, index) => {
      checkText(problems, (option as Json)?.text, `${pointer}/options/${index}/text`, LIMITS.optionText);
    });
  }
}

function checkBlock(problems: string[], block: unknown, pointer: string, surface: 'message' | 'view'): void {
  if (!isObject(block)) {
    problems.push(`must provide an object [json-pointer:${pointer}]`);
    return;
  }
  if (typeof block.type !== 'string' || !KNOWN_BLOCKS.has(block.type)) {
    problems.push(`unsupported type: ${String(block.type)} [json-pointer:${pointer}/type]`);
    return;
  }
  checkId(problems, block.block_id, `${pointer}/block_id`);
  switch (block.type) {
    case 'header':
      checkText(problems, block.text, `${pointer}/text`, LIMITS.headerText, true);
      break;
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        problems.push(`must provide text or fields [json-pointer:${pointer}]`);
      }
      if (block.text !== undefined) checkText(problems, block.text, `${pointer}/text`, LIMITS.sectionText);
      if (block.fields !== undefined) {
        const fields = Array.isArray(block.fields) ? block.fields : [];
        if (fields.length > LIMITS.sectionFields) {
          problems.push(`must provide at most ${LIMITS.sectionFields} items [json-pointer:${pointer}/fields]`);
        }
        fields.forEach((field, index) => {
          checkText(problems, field, `${pointer}/fields/${index}`, LIMITS.fieldText);
        });
      }
      if (block.accessory !== undefined) checkElement(problems, block.accessory, `${pointer}/accessory`);
      break;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > LIMITS.contextElements) {
        problems.push(`must provide between 1 and ${LIMITS.contextElements} items [json-pointer:${pointer}/elements]`);
      }
      elements.forEach((element, index) => {
        if ((element as Json)?.type !== 'image') {
          checkText(problems, element, `${pointer}/elements/${index}`, LIMITS.sectionText);
        }
      });
      break;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > LIMITS.actionElements) {
        problems.push(`must provide between 1 and ${LIMITS.actionElements} items [json-pointer:${pointer}/elements]`);
      }
      elements.forEach((element, index) => {
        checkElement(problems, element, `${pointer}/elements/${index}`);
      });
      break;
    }
    case 'input':
      if (surface === 'message') problems.push(`input blocks are only allowed in views [json-pointer:${pointer}]`);
      checkText(problems, block.label, `${pointer}/label`, LIMITS.inputLabel, true);
      checkElement(problems, block.element, `${pointer}/element`);
      break;
    default:
      break;
  }
}

/** Problems with a message's blocks (empty when Slack would accept them). */
export function validateMessageBlocks(blocks: unknown): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ['must provide an array [json-pointer:/blocks]'];
  const problems: string[] = [];
  if (blocks.length > LIMITS.messageBlocks) {
    problems.push(`no more than ${LIMITS.messageBlocks} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((block, index) => {
    checkBlock(problems, block, `/blocks/${index}`, 'message');
  });
  return problems;
}

/** Problems with a message's top-level text. */
export function validateMessageText(text: unknown, blocks: unknown): string[] {
  if ((text === undefined || text === '') && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0))) {
    return ['no_text'];
  }
  if (typeof text === 'string' && text.length > LIMITS.messageText) return ['msg_too_long'];
  return [];
}

/** Problems with a modal or Home view (empty when Slack would accept it). */
export function validateView(view: unknown): string[] {
  if (!isObject(view)) return ['must provide an object [json-pointer:/view]'];
  const problems: string[] = [];
  if (view.type !== 'modal' && view.type !== 'home') {
    problems.push('must be modal or home [json-pointer:/view/type]');
  }
  if (view.type === 'modal') {
    checkText(problems, view.title, '/view/title', LIMITS.modalTitle, true);
    if (view.submit !== undefined) checkText(problems, view.submit, '/view/submit', LIMITS.modalButton, true);
    if (view.close !== undefined) checkText(problems, view.close, '/view/close', LIMITS.modalButton, true);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((block) => (block as Json)?.type === 'input');
    if (hasInput && view.submit === undefined) {
      problems.push('must provide submit when input blocks are present [json-pointer:/view/submit]');
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > LIMITS.privateMetadata) {
    problems.push(`must be less than ${LIMITS.privateMetadata + 1} characters [json-pointer:/view/private_metadata]`);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > LIMITS.callbackId) {
    problems.push(`must be less than ${LIMITS.callbackId + 1} characters [json-pointer:/view/callback_id]`);
  }
  if (!Array.isArray(view.blocks)) {
    problems.push('must provide an array [json-pointer:/view/blocks]');
    return problems;
  }
  if (view.blocks.length > LIMITS.viewBlocks) {
    problems.push(`no more than ${LIMITS.viewBlocks} items allowed [json-pointer:/view/blocks]`);
  }
  view.blocks.forEach((block, index) => {
    checkBlock(problems, block, `/view/blocks/${index}`, 'view');
  });
  return problems;
}
