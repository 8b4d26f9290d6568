import type { ReactiveController } from 'lit';
import { Task, initialState } from './task.ts';
import type { PromotionCheck } from '../shared/api/plans.ts';
import {
  isUnfinishedPromotionCode,
  normalizePromotionCode,
  PROMOTION_CODE_RULE,
} from '../shared/promotion-code.ts';
import type { CheckoutButton } from './checkout-button.ts';
import { checkPromotionCode } from './client.ts';
import { emit } from './events.ts';
import { CheckoutFailure } from './failure.ts';

/** The code in the input once it has the form of a code, or the rule it breaks; neither while empty. */
interface Reading {
  code?: string;
  refusal?: string;
}

/**
 * The promotion code input: judged by the shared rule as it is typed, then by the server once it
 * has the form of a code. Only what the buyer types fires `checkout-promo`.
 */
export class PromotionController implements ReactiveController {
  /** What the input holds. */
  value = '';
  /** Whether `value` was typed by the buyer rather than set by the page. */
  #typed = false;
  #promo?: string | null;
  #host: CheckoutButton;
  #check: Task<
    readonly [string, CheckoutButton['plan'], CheckoutButton['billing'], string | undefined],
    PromotionCheck
  >;

  constructor(host: CheckoutButton) {
    this.#host = host;
    // Added before its task, so a new `promo` is in the input before the task reads it.
    host.addController(this);
    this.#check = new Task(host, {
      task: async ([api, plan, billing, code], { signal }) => {
        if (!code) return initialState;
        // Let the buyer finish typing: a keystroke within the pause aborts this run before it asks.
        await new Promise((resolve) => setTimeout(resolve, 300));
        signal.throwIfAborted();
        return checkPromotionCode(code, plan ?? '', billing, { api, signal });
      },
      args: () => [host.api, host.plan, host.billing, this.reading().code] as const,
      onComplete: ({ code, valid, message }) => {
        if (this.#typed) emit(host, 'checkout-promo', { code, valid, message });
      },
    });
  }

  /** A page that sets `promo` replaces whatever was typed. */
  hostUpdate(): void {
    if (this.#host.promo !== this.#promo) {
      this.#promo = this.#host.promo;
      this.value = this.#promo ?? '';
      this.#typed = false;
    }
  }

  /** The buyer typed: a code that breaks the rule is refused at once, without asking the server. */
  input(value: string): void {
    this.value = value;
    this.#typed = true;
    this.#host.requestUpdate();
    const { refusal } = this.reading();
    if (refusal)
      emit(this.#host, 'checkout-promo', { code: value, valid: false, message: refusal });
  }

  /** Too short a code is not refused while the buyer may still be typing, unless they `finished`. */
  reading(finished = false): Reading {
    if (this.#host.promo == null || !this.value.trim()) return {};
    const code = normalizePromotionCode(this.value);
    if (code) return { code };
    const typing = !finished && isUnfinishedPromotionCode(this.value);
    return typing ? {} : { refusal: PROMOTION_CODE_RULE };
  }

  /** The server's verdict, if it is about the code in the input now. */
  verdict(code = this.reading().code): PromotionCheck | undefined {
    const check = this.#check.render({ complete: (check) => check });
    return code && check?.code === code ? check : undefined;
  }

  /** What the message under the input says about the code in it. */
  message(): string | undefined {
    const { code, refusal } = this.reading();
    return (
      refusal ??
      (code &&
        this.#check.render({
          pending: () => 'Checking the code…',
          complete: (check) => check.message,
          error: () => 'Could not check the code now; it will be checked at payment.',
        }))
    );
  }

  /** The code to send; refused before any request when its form or the server already said no. */
  accepted(): string | undefined {
    const { code, refusal } = this.reading(true);
    const verdict = this.verdict(code);
    const reason = refusal ?? (verdict?.valid === false ? verdict.message : undefined);
    if (reason) throw new CheckoutFailure('promotion-code-refused', reason);
    return code;
  }
}
