import { describe, expect, it } from 'vitest';
import { parseStripeEvent } from './stripe.events.ts';

describe('payment_intent.payment_failed', () => {
  const intent = (metadata: Record<string, string>) => ({
    id: 'pi_1',
    object: 'payment_intent',
    amount: 5000,
    amount_received: 0,
    currency: 'eur',
    metadata,
    status: 'requires_payment_method',
  });
  const checkout = '019d769e-9e80-7570-9ad4-8d0d39561339';

  it('closes the checkout of our off-session charge (a debit the bank returned)', () => {
    expect(
      parseStripeEvent(
        'payment_intent.payment_failed',
        intent({ sealbill_checkout: checkout, sealbill_off_session: '1' }),
      ),
    ).toEqual({ kind: 'checkout_closed', checkoutId: checkout, orderRef: 'pi_1', status: 'failed' });
  });

  it('ignores a failed attempt on a Checkout page (the payer may try another card) and payments not ours', () => {
    expect(parseStripeEvent('payment_intent.payment_failed', intent({ sealbill_checkout: checkout }))).toEqual({
      kind: 'ignored',
    });
    expect(parseStripeEvent('payment_intent.payment_failed', intent({}))).toEqual({ kind: 'ignored' });
  });
});
