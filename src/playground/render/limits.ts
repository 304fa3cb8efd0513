/**
 * Block Kit limits as Slack enforces them on chat.postMessage / chat.update / chat.postEphemeral
 * (`invalid_blocks`) and views.open / views.push / views.update / views.publish (`invalid_arguments`).
 * Each problem is worded as Slack words it in `response_metadata.messages`: a message and a JSON
 * pointer, e.g. "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
 *
 * Where each number comes from (Slack's reference, https://docs.slack.dev/reference/block-kit/…):
 * - blocks per message 50, per modal or Home tab 100: "Block Kit" overview and "Modal views" / "Home tab views".
 * - section: text 3000, fields at most 10 of 2000 each ("Section block"); header text 150 ("Header block");
 *   context at most 10 elements ("Context block"); actions at most 25 elements ("Actions block");
 *   input label and hint 2000 ("Input block"); image alt_text 2000, image_url 3000, title 2000 ("Image block").
 * - block_id and action_id 255 ("Section block", "Button element").
 * - button: text 75, value 2000, url 3000, accessibility_label 75 ("Button element").
 * - confirm: title 100, text 300, confirm and deny 30 ("Confirmation dialog object").
 * - option: text 75, value 150, description 75, url 3000; option group label 75 ("Option object",
 *   "Option group object"); a select has at most 100 options or 100 groups ("Select menu element");
 *   overflow 1 to 5 options ("Overflow menu element"); checkboxes and radio buttons at most 10
 *   ("Checkboxes", "Radio button group"); placeholders 150 (every element that has one).
 * - plain_text_input: min_length and max_length up to 3000 ("Plain-text input element").
 * - modal: title, submit and close 24, private_metadata 3000, callback_id 255; submit required with
 *   input blocks ("Modal views").
 * - message text: Slack truncates text over 40,000 characters, and chat.postMessage answers
 *   `msg_too_long` ("chat.postMessage" errors; changelog 2018-04 "Truncating really long messages").
 */
export const LIMITS = {
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
  url: 3000,
  accessibilityLabel: 75,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionsPerSelect: 100,
  overflowOptions: 5,
  choiceOptions: 10,
  textInputLength: 3000,
  imageAltText: 2000,
  imageTitle: 2000,
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

/** A string field that may be absent but, when present, is at most `max` characters. */
function checkString(problems: string[], value: unknown, pointer: string, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > max) {
    problems.push(`must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  }
}

function checkCount(problems: string[], items: unknown[], pointer: string, min: number, max: number): void {
  if (items.length < min || items.length > max) {
    problems.push(`must provide between ${min} and ${max} items [json-pointer:${pointer}]`);
  }
}

function checkOption(problems: string[], option: unknown, pointer: string): void {
  if (!isObject(option)) {
    problems.push(`must provide an object [json-pointer:${pointer}]`);
    return;
  }
  checkText(problems, option.text, `${pointer}/text`, LIMITS.optionText);
  checkString(problems, option.value, `${pointer}/value`, LIMITS.optionValue);
  if (option.description !== undefined) {
    checkText(problems, option.description, `${pointer}/description`, LIMITS.optionDescription);
  }
  checkString(problems, option.url, `${pointer}/url`, LIMITS.url);
}

function checkOptions(problems: string[], element: Json, pointer: string): void {
  const max =
    element.type === 'overflow'
      ? LIMITS.overflowOptions
      : element.type === 'checkboxes' || element.type === 'radio_buttons'
        ? LIMITS.choiceOptions
        : LIMITS.optionsPerSelect;
  if (Array.isArray(element.options)) {
    if (element.options.length > max)
      problems.push(`must provide at most ${max} items [json-pointer:${pointer}/options]`);
    element.options.forEach((option, index) => {
      checkOption(problems, option, `${pointer}/options/${index}`);
    });
  } else if (element.type === 'overflow') {
    problems.push(`must provide an array [json-pointer:${pointer}/options]`);
  }
  if (Array.isArray(element.option_groups)) {
    if (element.option_groups.length > LIMITS.optionsPerSelect) {
      problems.push(`must provide at most ${LIMITS.optionsPerSelect} items [json-pointer:${pointer}/option_groups]`);
    }
    element.option_groups.forEach((group, index) => {
      const at = `${pointer}/option_groups/${index}`;
      checkText(problems, (group as Json)?.label, `${at}/label`, LIMITS.optionText, true);
      const options = (group as Json)?.options;
      (Array.isArray(options) ? options : []).forEach((option, i) => {
        checkOption(problems, option, `${at}/options/${i}`);
      });
    });
  }
}

function checkConfirm(problems: string[], confirm: unknown, pointer: string): void {
  if (confirm === undefined) return;
  const dialog = isObject(confirm) ? confirm : {};
  checkText(problems, dialog.title, `${pointer}/title`, 100, true);
  checkText(problems, dialog.text, `${pointer}/text`, 300);
  checkText(problems, dialog.confirm, `${pointer}/confirm`, 30, true);
  checkText(problems, dialog.deny, `${pointer}/deny`, 30, true);
  if (dialog.style !== undefined && dialog.style !== 'primary' && dialog.style !== 'danger') {
    problems.push(`must be primary or danger [json-pointer:${pointer}/style]`);
  }
}

function checkElement(problems: string[], element: unknown, pointer: string): void {
  if (!isObject(element)) {
    problems.push(`must provide an object [json-pointer:${pointer}]`);
    return;
  }
  checkString(problems, element.action_id, `${pointer}/action_id`, LIMITS.id);
  if (element.placeholder !== undefined) {
    checkText(problems, element.placeholder, `${pointer}/placeholder`, LIMITS.placeholder, true);
  }
  checkConfirm(problems, element.confirm, `${pointer}/confirm`);
  if (element.type === 'button') {
    checkText(problems, element.text, `${pointer}/text`, LIMITS.buttonText, true);
    checkString(problems, element.value, `${pointer}/value`, LIMITS.buttonValue);
    checkString(problems, element.url, `${pointer}/url`, LIMITS.url);
    checkString(problems, element.accessibility_label, `${pointer}/accessibility_label`, LIMITS.accessibilityLabel);
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problems.push(`must be primary or danger [json-pointer:${pointer}/style]`);
    }
  }
  if (element.type === 'plain_text_input') {
    for (const field of ['min_length', 'max_length'] as const) {
      const value = element[field];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || value > LIMITS.textInputLength)) {
        problems.push(`must be between 0 and ${LIMITS.textInputLength} [json-pointer:${pointer}/${field}]`);
      }
    }
  }
  checkOptions(problems, element, pointer);
}

function checkImage(problems: string[], image: Json, pointer: string): void {
  checkString(problems, image.alt_text, `${pointer}/alt_text`, LIMITS.imageAltText);
  checkString(problems, image.image_url, `${pointer}/image_url`, LIMITS.url);
  if (image.alt_text === undefined) problems.push(`must provide a string [json-pointer:${pointer}/alt_text]`);
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
  checkString(problems, block.block_id, `${pointer}/block_id`, LIMITS.id);
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
      if (isObject(block.accessory) && block.accessory.type === 'image') {
        checkImage(problems, block.accessory, `${pointer}/accessory`);
      } else if (block.accessory !== undefined) {
        checkElement(problems, block.accessory, `${pointer}/accessory`);
      }
      break;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      checkCount(problems, elements, `${pointer}/elements`, 1, LIMITS.contextElements);
      elements.forEach((element, index) => {
        if (isObject(element) && element.type === 'image')
          checkImage(problems, element, `${pointer}/elements/${index}`);
        else checkText(problems, element, `${pointer}/elements/${index}`, LIMITS.sectionText);
      });
      break;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      checkCount(problems, elements, `${pointer}/elements`, 1, LIMITS.actionElements);
      elements.forEach((element, index) => {
        checkElement(problems, element, `${pointer}/elements/${index}`);
      });
      break;
    }
    case 'input':
      if (surface === 'message') problems.push(`input blocks are only allowed in views [json-pointer:${pointer}]`);
      checkText(problems, block.label, `${pointer}/label`, LIMITS.inputLabel, true);
      if (block.hint !== undefined) checkText(problems, block.hint, `${pointer}/hint`, LIMITS.inputHint, true);
      checkElement(problems, block.element, `${pointer}/element`);
      break;
    case 'image':
      checkImage(problems, block, pointer);
      if (block.title !== undefined) checkText(problems, block.title, `${pointer}/title`, LIMITS.imageTitle, true);
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
  checkString(problems, view.private_metadata, '/view/private_metadata', LIMITS.privateMetadata);
  checkString(problems, view.callback_id, '/view/callback_id', LIMITS.callbackId);
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
