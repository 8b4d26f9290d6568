/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { explain } from '../../widget/failure.ts';

describe('explaining a failed checkout', () => {
  it('reports a refused promotion code by its code, whatever words the server chose', () => {
    const failure = explain('checkout', {
      status: 400,
      message: 'Dieser Gutschein ist abgelaufen',
      code: 'promotion_code_invalid',
    });

    expect(failure.code).to.equal('promotion-code-refused');
    expect(failure.message).to.equal('Dieser Gutschein ist abgelaufen');
  });

  it('does not take words about a promotion code for a refused one', () => {
    const failure = explain('checkout', {
      status: 400,
      message: 'successUrl must be on an allowed origin (promotion code pages included)',
      code: 'url_not_allowed',
    });

    expect(failure.code).to.equal('invalid-request');
  });
});
