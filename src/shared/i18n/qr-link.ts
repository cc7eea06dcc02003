import { defineMessages } from './define';

/** What the stall screen says of its QR code (the way to it, and what came through it); the QR screen's own texts are ./qr.ts. */
export const qrLink = defineMessages(
  {
    'qr.open': '二维码 / 海报',
    'tally.self': '扫码自助',
    'tally.selfNote': '本摊位今日，来自服务器',
  },
  {
    'qr.open': 'QR code / poster',
    'tally.self': 'By QR code',
    'tally.selfNote': 'whole stall today, from the server',
  },
);
