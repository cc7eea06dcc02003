import type { BrowserContext } from 'playwright-core';

/** The phone's connection: dropped and restored for the whole browser (pages and service worker). */
export class Network {
  constructor(readonly context: BrowserContext) {}

  async drop(): Promise<void> {
    await this.context.setOffline(true);
  }

  async restore(): Promise<void> {
    await this.context.setOffline(false);
  }
}
