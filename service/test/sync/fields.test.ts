import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeadFieldDescription } from '../../src/marketo/types.js';
import { DEFAULT_OWNER_FIELD, STANDARD_FIELDS, resolveFields } from '../../src/sync/fields.js';

const field = (id: number, name: string, displayName = name, dataType = 'string'): LeadFieldDescription => ({
  id,
  displayName,
  dataType,
  rest: { name, readOnly: false },
});

/** Every standard field's first candidate, except those named. */
function describeWithout(...missing: string[]): LeadFieldDescription[] {
  return STANDARD_FIELDS.filter((s) => !missing.includes(s.key)).map((s, i) => field(i + 1, s.candidates[0]!, s.label));
}

describe('sync fields: the standard field warnings', () => {
  it('finds every standard field: no warning, no code, the candidates looked for', () => {
    const plan = resolveFields(describeWithout(), DEFAULT_OWNER_FIELD, []);
    assert.equal(plan.standard.length, STANDARD_FIELDS.length);
    for (const f of plan.standard) {
      assert.equal(f.warning, null, f.key);
      assert.equal(f.warningCode, null, f.key);
      assert.deepEqual(f.candidates, STANDARD_FIELDS.find((s) => s.key === f.key)!.candidates);
    }
  });

  it('codes a missing standard field standard_field_missing next to the English warning', () => {
    const plan = resolveFields(describeWithout('linkedinUrl', 'phone'), DEFAULT_OWNER_FIELD, []);
    const by = new Map(plan.standard.map((f) => [f.key, f]));
    const linkedin = by.get('linkedinUrl')!;
    assert.equal(linkedin.marketoField, null);
    assert.equal(linkedin.warningCode, 'standard_field_missing');
    assert.deepEqual(linkedin.candidates, ['linkedInUrl', 'linkedinUrl', 'linkedInProfileUrl', 'linkedInProfileURL']);
    assert.equal(
      linkedin.warning,
      'This Marketo instance has no LinkedIn URL field (looked for linkedInUrl, linkedinUrl, linkedInProfileUrl, linkedInProfileURL); the column stays empty.',
    );
    assert.equal(by.get('phone')!.warningCode, 'standard_field_missing');
    assert.equal(by.get('email')!.warningCode, null);
  });

  it('finds a custom LinkedIn field by its display name: no code', () => {
    const describe = [...describeWithout('linkedinUrl'), field(99, 'custLinkedIn', 'LinkedIn Profile URL')];
    const linkedin = resolveFields(describe, DEFAULT_OWNER_FIELD, []).standard.find((f) => f.key === 'linkedinUrl')!;
    assert.equal(linkedin.marketoField, 'custLinkedIn');
    assert.equal(linkedin.warningCode, null);
  });
});
