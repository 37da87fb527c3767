/** How long a refused action's notice stays on the panel, ms. */
export const NOTICE_MS = 3000;

/** A short message for the panel (a refusal, a confirmation) that outranks its prompts for NOTICE_MS. */
export class PanelNotice {
  text = '';
  untilMs = 0;

  show(text: string, nowMs: number): void {
    this.text = text;
    this.untilMs = nowMs + NOTICE_MS;
  }

  shown(nowMs: number): boolean {
    return nowMs < this.untilMs;
  }
}
