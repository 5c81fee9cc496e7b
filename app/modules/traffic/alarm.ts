/** A sleep that another event can cut short (an offer arrives, the caller hangs up, the run stops). */
export class Alarm {
  private wake: (() => void) | null = null;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
    });
  }
  ring() {
    this.wake?.();
  }
}
