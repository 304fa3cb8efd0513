import { describe, expect, it } from 'vitest';
import { fieldOf, numberInput, select, textInput } from '../../../../../src/slack/blocks/kit/inputs.ts';
import { riskOptions } from '../../../../../src/slack/blocks/kit/risk.ts';

describe('input kit', () => {
  it('gives each input the same block id and action id', () => {
    const block = textInput('name', 'Name', 'x');
    expect(block).toMatchObject({ block_id: 'name', element: { action_id: 'name' }, optional: false });
  });

  it('prefills only what is given', () => {
    expect(textInput('n', 'N', null).element).toEqual({ action_id: 'n', type: 'plain_text_input', max_length: 200 });
    expect(
      textInput('n', 'N', 'v', { multiline: true, minLength: 1, max: 10, placeholder: 'p', optional: true, hint: 'h' }),
    ).toMatchObject({
      optional: true,
      hint: { text: 'h' },
      element: { multiline: true, min_length: 1, max_length: 10, placeholder: { text: 'p' }, initial_value: 'v' },
    });
    expect(numberInput('n', 'N', null).element).not.toHaveProperty('initial_value');
    expect(numberInput('n', 'N', 0, { min: '0' }).element).toMatchObject({ initial_value: '0', min_value: '0' });
  });

  it('preselects the option with the initial value, or none', () => {
    expect(select('r', 'Risk', riskOptions(), 'high').element).toMatchObject({ initial_option: { value: 'high' } });
    expect(select('r', 'Risk', riskOptions(), 'nope').element).not.toHaveProperty('initial_option');
  });

  it('reads a submitted value by field id', () => {
    const values = { name: { name: { type: 'plain_text_input', value: 'v' } } };
    expect(fieldOf(values, 'name')?.value).toBe('v');
    expect(fieldOf(values, 'other')).toBeUndefined();
  });
});
